/**
 * Helpers for the modules' RPC commands: reading positional params the way Kamailio's rpc->scan()
 * does ("d" takes an integer, also sent as a numeric string by some clients; "S" a string), and the
 * `reload_delta` guard Kamailio puts in front of its reload commands.
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import { formatIssues, ReloadError, type ReloadReport } from "./reloadable.ts";

export function intParam(params: unknown[], i: number, fault = "Invalid Parameters"): number {
  const v = params[i];
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v.trim())) return Number.parseInt(v, 10);
  throw new RpcError(500, fault);
}

export function strParam(params: unknown[], i: number, fault = "Invalid Parameters"): string {
  const v = params[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new RpcError(500, fault);
}

/** True when param i was given (Kamailio's optional "*" params). */
export function hasParam(params: unknown[], i: number): boolean {
  return params.length > i && params[i] !== null && params[i] !== undefined;
}

/**
 * Kamailio refuses a reload command issued less than `reload_delta` seconds after the previous one
 * (fault 500 with the module's own wording). 0 disables the guard.
 */
export class ReloadGuard {
  #last = 0;
  constructor(
    private readonly deltaSeconds: () => number,
    private readonly fault: string,
  ) {}

  enter(): void {
    const now = Date.now();
    const delta = this.deltaSeconds() * 1000;
    if (delta > 0 && this.#last !== 0 && now - this.#last < delta) throw new RpcError(500, this.fault);
    this.#last = now;
  }
}

/**
 * A reload command answering like Kamailio's dialplan.reload / domain.reload: `{}`, or
 * `{ warnings: [...] }` when rows were left out; the module's fault when the table could not be read.
 * Also used for tables Kamailio reads live (grp, dbaliases, speed_dial), which have no such command there.
 */
export function registerTableReload(
  registry: RpcRegistry,
  def: {
    name: string;
    doc: string;
    reload: () => Promise<ReloadReport>;
    fault?: { code: number; message: string };
    guard?: ReloadGuard;
  },
): void {
  const fault = def.fault ?? { code: 500, message: "Reload failed" };
  registry.register({
    name: def.name,
    doc: def.doc,
    handler: async () => {
      def.guard?.enter();
      try {
        const report = await def.reload();
        return report.issues.length ? { warnings: formatIssues(report.issues) } : {};
      } catch (e) {
        if (e instanceof ReloadError) throw new RpcError(fault.code, fault.message);
        throw e;
      }
    },
  });
}
