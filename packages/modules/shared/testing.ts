/** Test helpers for the modules (not used at run time). */
import { dispatchCall, RpcError, type RpcRegistry } from "@switchboard/rpc";

/**
 * Calls an RPC method the way the servers do (registry lookup, handler, fault mapping) and returns
 * its result; a fault is thrown as RpcError(code, message).
 */
export async function rpcCall(registry: RpcRegistry, method: string, ...params: unknown[]): Promise<unknown> {
  const out = await dispatchCall(registry, method, params, { source: "127.0.0.1", protocol: "jsonrpc" });
  if (!out.ok) throw out.cause ?? new RpcError(out.code, out.message);
  return out.result;
}

/** Asserts that an RPC call faults with exactly this code and message. */
export async function rpcFault(registry: RpcRegistry, method: string, params: unknown[]): Promise<string> {
  try {
    await rpcCall(registry, method, ...params);
  } catch (e) {
    if (e instanceof RpcError) return `${e.code} ${e.message}`;
    throw e;
  }
  throw new Error(`${method} did not fault`);
}
