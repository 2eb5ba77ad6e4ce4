/**
 * For procedure tests of the live pages: a real RPC endpoint on 127.0.0.1 (an ephemeral port) with the
 * commands a test gives it, registered in sb_node like a sipd node; and an unreachable node.
 */
import { type Db, sbNode } from "@switchboard/db";
import { createRpcServer, type RpcMethodDef, RpcRegistry, registerSystemMethods } from "@switchboard/rpc";

export interface TestNode {
  id: number;
  name: string;
  /** Every call the node received, in order. */
  calls: { method: string; params: unknown[] }[];
  close(): Promise<void>;
}

type Handler = RpcMethodDef["handler"];

export async function startTestNode(
  db: Db,
  name: string,
  methods: Record<string, Handler>,
): Promise<TestNode> {
  const calls: TestNode["calls"] = [];
  const registry = new RpcRegistry();
  registerSystemMethods(registry);
  for (const [method, handler] of Object.entries(methods)) {
    registry.register({
      name: method,
      doc: `test ${method}`,
      handler: (params, ctx) => {
        calls.push({ method, params });
        return handler(params, ctx);
      },
    });
  }
  const server = await createRpcServer({ registry, listen: "127.0.0.1:0" });
  const [res] = await db.insert(sbNode).values({ name, url: server.url, protocol: "jsonrpc", kind: "sipd" });
  return { id: res.insertId, name, calls, close: () => server.close() };
}

/** A node whose port refuses connections (port 9, discard, is closed on test machines). */
export async function addDeadNode(db: Db, name: string): Promise<number> {
  const [res] = await db
    .insert(sbNode)
    .values({ name, url: "http://127.0.0.1:9/RPC", protocol: "jsonrpc", kind: "sipd" });
  return res.insertId;
}
