/**
 * Driving a SIP server with several sipp processes at once (one sipp saturates near 1,000 calls/s,
 * so a single one would measure sipp), and the long-running sipp UAS that answers relayed calls.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  freeUdpTcpPort,
  runSipp,
  SCENARIOS,
  type SippOptions,
  type SippResult,
} from "../../apps/sipd/src/testing/harness.ts";
import { CLK_TCK, cpuPercent, machineBusyPercent, machineTicks, sampleTree } from "./proc.ts";
import { judgeStep } from "./steps.ts";

export interface StepResult {
  /** Rate per sipp process. */
  rate: number;
  /** Requested rate over all sipp processes. */
  totalRate: number;
  expected: number;
  successful: number;
  failed: number;
  elapsedSec: number;
  /** Completed scenarios per second over the step. */
  achieved: number;
  /** Server CPU in percent of one core, all its processes summed. */
  serverCpu: number;
  /** Server CPU time per completed scenario (registration, call, keepalive), microseconds. */
  cpuUsPerOp: number;
  /** CPU of the load generators (every sipp process of this benchmark) in percent of one core. */
  sippCpu: number;
  /** Whole machine busy share (all cores, sipp included), percent. */
  machineCpu: number;
  serverRssMb: number;
  serverPssMb: number;
  ok: boolean;
  reason: string;
  /** First lines of sipp's error output of a failed step. */
  errors?: string;
}

export interface StepSpec {
  /** sipp target port on 127.0.0.1. */
  port: number;
  /** Root process of the server under test. */
  serverPid: number;
  scenario: string;
  /** One injection file per sipp process (rows "field0;field1;..."); omit for none. */
  inject?: string[][];
  sipps: number;
  rate: number;
  holdSec: number;
  /** Call length for <pause/>, ms. */
  durationMs?: number;
  args?: string[];
}

/** Runs `sipps` sipp processes in parallel at `rate` each for `holdSec`, sampling the server. */
export async function runStep(s: StepSpec): Promise<StepResult> {
  const calls = Math.max(1, Math.round(s.rate * s.holdSec));
  // Explicit local ports: sipp's default 5060 is shared with anything else on the host using it.
  const localPorts: number[] = [];
  for (let i = 0; i < s.sipps; i++) localPorts.push(await freeUdpTcpPort());
  const tailSec = (s.durationMs ?? 0) / 1000;
  const m0 = machineTicks();
  const t0 = sampleTree(s.serverPid);
  // This process's tree: the sipp runs (reaped, so counted in cutime/cstime) and the sipp UASes.
  const g0 = sampleTree(process.pid);
  const started = performance.now();
  const runs: Promise<SippResult>[] = [];
  for (let i = 0; i < s.sipps; i++) {
    const o: SippOptions = {
      scenario: s.scenario,
      port: s.port,
      inject: s.inject?.[i],
      calls,
      rate: s.rate,
      localPort: localPorts[i],
      duration: s.durationMs,
      // A step that overloads the server ends by sipp's own retransmission limits; this is a backstop.
      timeoutSec: Math.ceil(s.holdSec + tailSec + 60),
      args: s.args,
    };
    runs.push(runSipp(o));
  }
  const results = await Promise.all(runs);
  const elapsedSec = (performance.now() - started) / 1000;
  const t1 = sampleTree(s.serverPid);
  const g1 = sampleTree(process.pid);
  const m1 = machineTicks();
  const successful = results.reduce((a, r) => a + r.successful, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const expected = calls * s.sipps;
  const verdict = judgeStep({ expected, successful, failed, elapsedSec, holdSec: s.holdSec, tailSec });
  const errors = verdict.ok
    ? undefined
    : results
        .filter((r) => r.failed > 0 || r.successful < calls)
        .map((r) => r.output)
        .join("\n")
        .slice(0, 1500);
  return {
    rate: s.rate,
    totalRate: s.rate * s.sipps,
    expected,
    successful,
    failed,
    elapsedSec,
    achieved: successful / Math.max(s.holdSec, elapsedSec - tailSec),
    serverCpu: cpuPercent(t0, t1),
    cpuUsPerOp: successful > 0 ? ((t1.ticks - t0.ticks) / CLK_TCK / successful) * 1e6 : 0,
    sippCpu: cpuPercent(g0, g1),
    machineCpu: machineBusyPercent(m0, m1),
    serverRssMb: t1.rssBytes / 1048576,
    serverPssMb: t1.pssBytes / 1048576,
    ok: verdict.ok,
    reason: verdict.reason,
    errors,
  };
}

export interface BackgroundSipp {
  child: ChildProcess;
  /** Ends the sipp process and waits for it. */
  stop(): Promise<void>;
}

/** A sipp that runs until stopped: the UAS answering calls on a fixed local port. */
export function startBackgroundSipp(o: {
  scenario: string;
  targetPort: number;
  localPort: number;
  args?: string[];
}): BackgroundSipp {
  const child = spawn(
    "sipp",
    [
      `127.0.0.1:${o.targetPort}`,
      "-sf",
      o.scenario.startsWith("/") ? o.scenario : join(SCENARIOS, o.scenario),
      "-i",
      "127.0.0.1",
      "-p",
      String(o.localPort),
      "-t",
      "u1",
      "-nostdin",
      "-max_recv_loops",
      "1000",
      ...(o.args ?? []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      if (stderr.trim() && /error/i.test(stderr)) console.error(`sipp ${o.scenario}: ${stderr.trim()}`);
    },
  };
}
