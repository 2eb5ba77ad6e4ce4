/**
 * Calls through a test sipd with real sipp peers: the callee registers from its own port and a sipp
 * UAS answers there, the caller's sipp runs a generated UAC scenario. Also reads what sipd recorded
 * (acc tables, statistics) for the assertions.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { createRpcClient } from "@switchboard/rpc";
import {
  authRow,
  freeUdpTcpPort,
  registerFrom,
  runSipp,
  type SippOptions,
  type SippResult,
  startSipp,
  startTestSipd,
  type TestSipd,
} from "./harness.ts";
import { scenarioDir, type UacOptions, type UasOptions, uacScenario, uasScenario } from "./scenarios.ts";

export type Row = Record<string, unknown>;

export interface CallOptions {
  caller: string;
  /** R-URI user (field 3) and, with `uas`, the user the UAS registers as. */
  callee: string;
  uac: UacOptions;
  /** The callee's UAS; without it nobody answers (the call ends at sipd). */
  uas?: UasOptions;
  /** Register the UAS as this user instead of `callee` (alias, speed dial). */
  registerAs?: string;
  /** A UAS on this port, not registered (e.g. a PSTN gateway). */
  uasPort?: number;
  /** Call-ID of the call (sipp -cid_str), for finding its acc rows. */
  callId?: string;
  /** Extra sipp arguments for the caller. */
  args?: string[];
  /** How long an answered call lasts before the caller's BYE, ms (default 200). */
  durationMs?: number;
  /** Calls placed by the caller's sipp (default 1). */
  calls?: number;
  inject?: string[];
}

export class CallRunner {
  private readonly files = scenarioDir();
  private seq = 0;

  constructor(private readonly t: TestSipd) {}

  cleanup(): void {
    this.files.cleanup();
  }

  /** Writes a scenario file for this runner (removed by cleanup()). */
  scenario(name: string, xml: string): string {
    return this.files.write(`${++this.seq}-${name}`, xml);
  }

  rpc() {
    return createRpcClient({ url: this.t.rpcUrl, protocol: "jsonrpc" });
  }

  /** A stats.get_statistics value, e.g. "core:rcv_requests_invite". */
  async stat(name: string): Promise<number> {
    const lines = (await this.rpc().callRaw("stats.get_statistics", [name])) as string[];
    const m = /= (\d+)/.exec(lines[0] ?? "");
    return m ? Number(m[1]) : Number.NaN;
  }

  /** REGISTER (with digest auth) of `user` from `port`, so lookup("location") finds that port. */
  async register(user: string, port: number): Promise<void> {
    const r = await registerFrom(this.t.port, user, port);
    assert.equal(r.successful, 1, r.output);
  }

  /** Starts the callee's UAS (registered first unless `uasPort` is given), then runs the caller. */
  async call(o: CallOptions): Promise<{ uac: SippResult; uas?: SippResult }> {
    let uas: ReturnType<typeof startSipp> | undefined;
    if (o.uas) {
      const port = o.uasPort ?? (await freeUdpTcpPort());
      if (o.uasPort === undefined) await this.register(o.registerAs ?? o.callee, port);
      uas = startSipp({
        scenario: this.scenario("uas.xml", uasScenario(o.uas)),
        port: this.t.port,
        calls: o.calls ?? 1,
        localPort: port,
        timeoutSec: 20,
      });
    }
    const opts: SippOptions = {
      scenario: this.scenario("uac.xml", uacScenario(o.uac)),
      port: this.t.port,
      inject: o.inject ?? [authRow(o.caller, undefined, [o.callee])],
      calls: o.calls ?? 1,
      duration: o.durationMs ?? 200,
      timeoutSec: 20,
      args: [...(o.callId ? ["-cid_str", o.callId] : []), ...(o.args ?? [])],
    };
    const uac = await runSipp(opts);
    return { uac, uas: uas ? await uas.done : undefined };
  }

  /** acc / missed_calls rows of a Call-ID, after the acc writer flushed (waits up to `timeoutMs` for one). */
  async rows(
    table: "acc" | "missed_calls" | "cdrs",
    where: string,
    args: unknown[],
    timeoutMs = 5000,
  ): Promise<Row[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.t.sipd.modules.db?.acc.flush(2000);
      const [r] = await this.t.tdb.pool.query(`SELECT * FROM ${table} WHERE ${where}`, args);
      const list = r as Row[];
      if (list.length > 0 || Date.now() > until) return list;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

/**
 * A test sipd and a CallRunner on it for the tests of the enclosing describe(): started in a before
 * hook, stopped (and the runner's scenario files removed) in an after hook. Read `t` and `r` inside
 * the tests and hooks, once the before hook has set them.
 */
export function sipdWithCalls(...args: Parameters<typeof startTestSipd>): { t: TestSipd; r: CallRunner } {
  const s = {} as { t: TestSipd; r: CallRunner };
  before(async () => {
    s.t = await startTestSipd(...args);
    s.r = new CallRunner(s.t);
  });
  after(async () => {
    await s.t.stop();
    s.r.cleanup();
  });
  return s;
}
