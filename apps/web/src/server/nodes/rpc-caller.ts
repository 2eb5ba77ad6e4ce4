/** The production NodeCaller: @switchboard/rpc's client over JSON-RPC or XML-RPC. */
import { createRpcClient } from "@switchboard/rpc/client";
import type { NodeCaller } from "./caller";

/** Console calls wait at most this long, so one dead node cannot hold a page. */
export const NODE_TIMEOUT_MS = 5000;

export const rpcNodeCaller: NodeCaller = (node, method, params) =>
  createRpcClient({
    url: node.url,
    protocol: node.protocol,
    token: node.token || undefined,
    timeoutMs: NODE_TIMEOUT_MS,
  }).callRaw(method, params);
