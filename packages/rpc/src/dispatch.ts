/**
 * Runs one call against a registry, independent of the wire format: method lookup, handler execution with a
 * time limit, and the mapping of failures to Kamailio's fault codes.
 */
import { type RpcContext, RpcError, type RpcParams, type RpcRegistry } from "./registry.ts";

export type CallOutcome =
  | { ok: true; result: unknown; empty: boolean; returnsArray: boolean }
  | { ok: false; code: number; message: string; cause?: unknown };

/** Fault codes/texts this package emits itself (Kamailio's where Kamailio has one). */
export const FAULTS = {
  /** Kamailio (jsonrpcs 5.6 and xmlrpc) answers an unknown command with 500 "Method Not Found". */
  methodNotFound: { code: 500, message: "Method Not Found" },
  internal: { code: 500, message: "Internal Server Error" },
  /** Switchboard: the handler did not finish within the server's timeoutMs. */
  timeout: { code: 504, message: "Execution Timeout" },
  tooLarge: { code: 413, message: "Request Entity Too Large" },
  forbidden: { code: 403, message: "Forbidden" },
} as const;

export interface DispatchOptions {
  timeoutMs?: number;
  /** Called with errors that were not RpcError (they answer 500 "Internal Server Error"). */
  onError?: (method: string, error: unknown) => void;
}

export async function dispatchCall(
  registry: RpcRegistry,
  method: string,
  params: RpcParams,
  ctx: RpcContext,
  opts: DispatchOptions = {},
): Promise<CallOutcome> {
  const def = registry.get(method);
  if (!def) return { ok: false, ...FAULTS.methodNotFound };
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = Promise.resolve().then(() => def.handler(params, ctx));
    const result =
      opts.timeoutMs && opts.timeoutMs > 0
        ? await Promise.race([
            run,
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new RpcError(FAULTS.timeout.code, FAULTS.timeout.message)),
                opts.timeoutMs,
              );
            }),
          ])
        : await run;
    return { ok: true, result, empty: result === undefined, returnsArray: def.flags?.returnsArray === true };
  } catch (e) {
    if (e instanceof RpcError) return { ok: false, code: e.code, message: e.message };
    opts.onError?.(method, e);
    return { ok: false, ...FAULTS.internal, cause: e };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
