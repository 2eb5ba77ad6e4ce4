/**
 * Typed RPC client for sipd and Kamailio nodes, over JSON-RPC (jsonrpcs) or XML-RPC (xmlrpc module) on HTTP(S).
 * Import-safe for Next.js server code: it only needs node:http/node:https when a call is made.
 *
 *   const node = createRpcClient({ url: "http://127.0.0.1:5071/RPC", protocol: "jsonrpc", token });
 *   const list = await node.call("dispatcher.list");           // typed DispatcherList
 *   await node.call("ul.rm_contact", ["location", "alice", "sip:alice@10.0.0.5"]);
 *
 * Failures are typed (errors.ts): RpcUnreachableError, RpcMethodNotFoundError, RpcForbiddenError,
 * RpcTimeoutError, RpcFaultError, RpcProtocolError. Structs with repeated member names keep every value.
 */
import http from "node:http";
import https from "node:https";
import {
  RpcClientError,
  RpcFaultError,
  RpcForbiddenError,
  RpcMethodNotFoundError,
  RpcProtocolError,
  RpcTimeoutError,
  RpcUnreachableError,
} from "./errors.ts";
import { decodeJsonRpcResponse, encodeJsonRpcCall } from "./jsonrpc.ts";
import type { KnownMethod, RpcParamsOf, RpcResultOf } from "./methods.ts";
import { parseXmlRpcResponse, serializeXmlRpcCall } from "./xmlrpc.ts";

export interface RpcNode {
  /** e.g. http://127.0.0.1:5071/RPC; user:password in the URL is sent as Basic auth */
  url: string;
  protocol: "jsonrpc" | "xmlrpc";
  /** sent as "Authorization: Bearer <token>" */
  token?: string;
  /** whole-call limit, default 5000 ms */
  timeoutMs?: number;
}

type ParamsArg<M extends KnownMethod> =
  [] extends RpcParamsOf<M> ? [params?: RpcParamsOf<M>] : [params: RpcParamsOf<M>];

export interface RpcClient {
  readonly node: RpcNode;
  /** A known Kamailio/sipd command with typed params and result. */
  call<M extends KnownMethod>(method: M, ...params: ParamsArg<M>): Promise<RpcResultOf<M>>;
  /** Any command, untyped (what sbctl rpc uses). */
  callRaw(method: string, params?: unknown[]): Promise<unknown>;
}

export const DEFAULT_RPC_TIMEOUT_MS = 5000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
let nextId = 1;

/** The URL without user:password, for error messages. */
function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return text;
  }
}

interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

function post(node: RpcNode, method: string, body: string, contentType: string): Promise<HttpAnswer> {
  const timeoutMs = node.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(node.url);
  } catch {
    return Promise.reject(new RpcClientError(`invalid node URL: ${node.url}`));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return Promise.reject(new RpcClientError(`unsupported node URL scheme: ${node.url}`));
  const headers: http.OutgoingHttpHeaders = {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    Accept: contentType,
  };
  if (node.token !== undefined) headers.Authorization = `Bearer ${node.token}`;
  else if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  }
  const shownUrl = redactUrl(node.url);
  const transport = url.protocol === "https:" ? https : http;

  return new Promise<HttpAnswer>((resolve, reject) => {
    // a fresh connection per call: Kamailio closes after each answer anyway (set_reply_close), and reusing an idle
    // keep-alive socket races the server's idle timeout (a spurious ECONNRESET)
    const req = transport.request(url, { method: "POST", headers, agent: false });
    const timer = setTimeout(() => req.destroy(new RpcTimeoutError(shownUrl, method, timeoutMs)), timeoutMs);
    const fail = (err: Error & { code?: string }) => {
      clearTimeout(timer);
      if (err instanceof RpcClientError) reject(err);
      else reject(new RpcUnreachableError(shownUrl, err.code ?? err.message, err));
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES)
          req.destroy(new RpcProtocolError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.end(body);
  });
}

/** Maps a fault to the typed error: Kamailio reports unknown commands as "Method Not Found" (code 500). */
function faultError(method: string, code: number, message: string): RpcClientError {
  if (code === -32601 || message.trim().toLowerCase() === "method not found")
    return new RpcMethodNotFoundError(method);
  return new RpcFaultError(code, message);
}

async function callNode(node: RpcNode, method: string, params: unknown[]): Promise<unknown> {
  const xml = node.protocol === "xmlrpc";
  const answer = xml
    ? await post(node, method, serializeXmlRpcCall(method, params), "text/xml")
    : await post(node, method, encodeJsonRpcCall(method, params, nextId++), "application/json");
  if (answer.status === 401 || answer.status === 403) throw new RpcForbiddenError(answer.status);
  let decoded: { ok: true; result: unknown } | { ok: false; code: number; message: string };
  try {
    decoded = xml ? parseXmlRpcResponse(answer.body) : decodeJsonRpcResponse(answer.body);
  } catch (e) {
    const what = `HTTP ${answer.status}${answer.contentType ? ` ${answer.contentType}` : ""}`;
    throw new RpcProtocolError(
      `not a ${node.protocol} answer from ${redactUrl(node.url)}: ${what}`,
      answer.status,
      e,
    );
  }
  if (!decoded.ok) throw faultError(method, decoded.code, decoded.message);
  return decoded.result;
}

export function createRpcClient(node: RpcNode): RpcClient {
  return {
    node,
    call: (method, ...params) => callNode(node, method, (params[0] ?? []) as unknown[]) as Promise<never>,
    callRaw: (method, params = []) => callNode(node, method, params),
  };
}

/** One call without keeping a client: rpcCall(node, "core.version"). */
export function rpcCall<M extends KnownMethod>(
  node: RpcNode,
  method: M,
  ...params: ParamsArg<M>
): Promise<RpcResultOf<M>> {
  return createRpcClient(node).call(method, ...params);
}
