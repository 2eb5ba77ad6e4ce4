/**
 * `npm run bench:sip [-- --peer kamailio] [--quick]`: the highest rate sipd (and optionally Debian's
 * Kamailio with bench/kamailio/kamailio.cfg) takes with zero failures, for
 *   register  REGISTER with digest auth (401, then 200) over 10,000 subscribers,
 *   call      INVITE (407, authenticated INVITE) / 180 / 200 / ACK / BYE through the proxy to sipp
 *             UASes registered as subscribers, with Record-Route and database accounting,
 *   options   OPTIONS keepalive answered statelessly,
 * each driven by several sipp processes at once and found by stepping the rate up. Both servers run
 * one after the other as separate processes on one throw-away database; their CPU (all processes)
 * and RSS come from /proc. Prints a table and writes bench/results/<timestamp>-sip.json.
 *
 * Options: --peer kamailio   also run Kamailio (installs Debian's package when root)
 *          --quick           3 s steps, per-sipp rates up to 800/s, one bisection (development)
 *          --hold <s>        seconds per step (default 20, quick 3)
 *          --sipps <n>       sipp processes per scenario (default 2)
 *          --start-rate <n>  first rate per sipp (default 100); --max-rate <n> cap per sipp
 *          --refine <n>      bisection steps after the first failure (default 2, quick 1)
 *          --scenarios a,b   subset of register,call,options
 *          --subscribers <n> (default 10000)   --call-ms <n> call length (default 1000)
 *          --children <n>    Kamailio worker processes per socket (default 4)
 *          --cpu-prof        run sipd with node --cpu-prof (profiles in bench/results/profiles)
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedDemo } from "@switchboard/db/seed";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { authRow, DOMAIN, freeUdpTcpPort, runSipp } from "../apps/sipd/src/testing/harness.ts";
import { benchUser, insertSubscribers } from "./lib/data.ts";
import { runStep, type StepResult, startBackgroundSipp } from "./lib/load.ts";
import { sampleTree } from "./lib/proc.ts";
import { fmt, formatTable, machineInfo, writeResult } from "./lib/report.ts";
import { ensureKamailio, REPO_ROOT, type ServerProcess, startKamailio, startSipd } from "./lib/servers.ts";
import { bestRate, nextRate, type StepPlan } from "./lib/steps.ts";

const SCENARIOS = {
  register: { title: "REGISTER + digest auth", unit: "reg/s", file: "register-auth.xml" },
  call: { title: "call INVITE..BYE, RR + acc", unit: "calls/s", file: "call-auth.xml" },
  options: { title: "OPTIONS keepalive", unit: "req/s", file: "options.xml" },
} as const;
type ScenarioName = keyof typeof SCENARIOS;

/** sipd's feature switches set to what bench/kamailio/kamailio.cfg defines, so both do the same work. */
const SIPD_ENV: Record<string, string> = {
  WITH_AUTH: "1",
  WITH_USRLOCDB: "1",
  USRLOC_DB_MODE: "2",
  WITH_ACCDB: "1",
  WITH_NAT: "0",
  WITH_ALIASDB: "0",
  WITH_SPEEDDIAL: "0",
  WITH_ANTIFLOOD: "0",
  WITH_IPAUTH: "0",
  WITH_MULTIDOMAIN: "0",
  STORE_PLAINTEXT_PW: "1",
  SIPD_DRAIN_MS: "2000",
};

const { values: argv } = parseArgs({
  options: {
    peer: { type: "string" },
    quick: { type: "boolean", default: false },
    hold: { type: "string" },
    sipps: { type: "string", default: "2" },
    "start-rate": { type: "string", default: "100" },
    "max-rate": { type: "string" },
    refine: { type: "string" },
    scenarios: { type: "string", default: "register,call,options" },
    subscribers: { type: "string", default: "10000" },
    "call-ms": { type: "string", default: "1000" },
    children: { type: "string", default: "4" },
    "cpu-prof": { type: "boolean", default: false },
  },
});

if (argv.peer && argv.peer !== "kamailio") throw new Error(`--peer: only "kamailio" is supported`);
const quick = argv.quick;
const holdSec = Number(argv.hold ?? (quick ? 3 : 20));
const sipps = Number(argv.sipps);
const subscribers = Number(argv.subscribers);
const callMs = Number(argv["call-ms"]);
const plan: StepPlan = {
  start: Number(argv["start-rate"]),
  max: Number(argv["max-rate"] ?? (quick ? 800 : 6400)),
  refinements: Number(argv.refine ?? (quick ? 1 : 2)),
  resolution: 25,
};
const scenarios = argv.scenarios.split(",").map((s) => s.trim()) as ScenarioName[];
for (const s of scenarios) if (!(s in SCENARIOS)) throw new Error(`unknown scenario ${s}`);
if (sipps < 2) console.warn("warning: one sipp process saturates near 1,000 calls/s; use --sipps 2 or more");

const log = (l: string) => console.log(l);

interface ScenarioReport {
  title: string;
  unit: string;
  /** Highest total rate (all sipp processes) with 0 failures; 0 when even the first step failed. */
  maxRate: number;
  /** Server CPU (% of one core) and RSS during the best step. */
  /** What the sipp processes achieved in the best step (completed per second). */
  achievedAtMax: number;
  cpuAtMax: number;
  /** Server CPU time per completed scenario at the best step, µs: comparable even on a busy machine. */
  cpuUsPerOpAtMax: number;
  /** All sipp processes together, % of one core, in the best step (near 100 % per sipp: sipp is the limit). */
  sippCpuAtMax: number;
  machineCpuAtMax: number;
  rssMbAtMax: number;
  pssMbAtMax: number;
  /** The unrecorded warm-up step (its calls still count for the acc check). */
  warmUp: StepResult;
  steps: StepResult[];
}

interface ServerReport {
  name: string;
  scenarios: Partial<Record<ScenarioName, ScenarioReport>>;
  /** Rows in location / acc after the server stopped (db_mode 2 flushes on shutdown). */
  locationRows: number;
  accRows: number;
  callsCompleted: number;
  /** Server memory after the last scenario. */
  memoryAtEnd: { rssMb: number; pssMb: number };
  startError?: string;
}

/** Users for REGISTER and as callers: every subscriber but the last `sipps`, split per sipp. */
function userSlices(): string[][] {
  const usable = subscribers - sipps;
  const per = Math.floor(usable / sipps);
  return Array.from({ length: sipps }, (_, p) =>
    Array.from({ length: per }, (_, i) => benchUser(p * per + i)),
  );
}
/** The subscriber each sipp's calls go to (a UAS registered under that name). */
const calleeOf = (p: number) => benchUser(subscribers - sipps + p);

async function runScenario(server: ServerProcess, name: ScenarioName): Promise<ScenarioReport> {
  const def = SCENARIOS[name];
  const slices = userSlices();
  let inject: string[][] | undefined;
  const uases: ReturnType<typeof startBackgroundSipp>[] = [];
  if (name === "register") inject = slices.map((users) => users.map((u) => authRow(u)));
  if (name === "call") {
    inject = slices.map((users, p) => users.map((u) => authRow(u, undefined, [calleeOf(p)])));
    for (let p = 0; p < sipps; p++) {
      const localPort = await freeUdpTcpPort();
      const reg = await runSipp({
        scenario: "register-auth.xml",
        port: server.port,
        inject: [authRow(calleeOf(p))],
        calls: 1,
        localPort,
      });
      if (reg.successful !== 1) throw new Error(`registering the UAS ${calleeOf(p)} failed: ${reg.output}`);
      uases.push(startBackgroundSipp({ scenario: "uas.xml", targetPort: server.port, localPort }));
    }
  }
  const steps: StepResult[] = [];
  let warm: StepResult | undefined;
  const run = (rate: number, hold: number) =>
    runStep({
      port: server.port,
      serverPid: server.pid,
      scenario: def.file,
      inject,
      sipps,
      rate,
      holdSec: hold,
      durationMs: name === "call" ? callMs : undefined,
      // A forking server may relay a 180 after the 200 when two workers race (Kamailio's children
      // do): that 180 arrives during the call's pause and is not a failure.
      args: name === "call" ? ["-pause_msg_ign"] : undefined,
    });
  try {
    // Warm-up, not recorded: sipd's JIT compiles the request path, caches fill, Kamailio's children
    // open their database connections.
    warm = await run(plan.start, Math.min(holdSec, 3));
    log(
      `  ${server.name} ${name} warm-up at ${fmt.int(warm.totalRate)} ${def.unit}: ${warm.ok ? "ok" : warm.reason}`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (let rate = nextRate(steps, plan); rate !== undefined; rate = nextRate(steps, plan)) {
      const step = await run(rate, holdSec);
      steps.push(step);
      log(
        `  ${server.name} ${name} ${fmt.int(step.totalRate)} ${def.unit}: ${step.ok ? "ok" : `FAIL (${step.reason})`}` +
          `, ${fmt.int(step.successful)} done, achieved ${fmt.int(step.achieved)}/s` +
          `, server CPU ${fmt.pct(step.serverCpu)} (${fmt.int(step.cpuUsPerOp)} µs/op), sipp ${fmt.pct(step.sippCpu)}, machine ${fmt.pct(step.machineCpu)}, PSS ${fmt.mb(step.serverPssMb)}`,
      );
      if (!step.ok && step.errors) log(`    ${step.errors.split("\n").slice(0, 4).join("\n    ")}`);
      // Let retransmissions and transaction timers of the step die down before the next one.
      await new Promise((r) => setTimeout(r, step.ok ? 1000 : quick ? 3000 : 8000));
    }
  } finally {
    await Promise.all(uases.map((u) => u.stop()));
  }
  const best = bestRate(steps);
  const at = steps.find((s) => s.ok && s.rate === best);
  return {
    title: def.title,
    unit: def.unit,
    maxRate: best * sipps,
    achievedAtMax: at?.achieved ?? 0,
    cpuAtMax: at?.serverCpu ?? 0,
    cpuUsPerOpAtMax: at?.cpuUsPerOp ?? 0,
    sippCpuAtMax: at?.sippCpu ?? 0,
    machineCpuAtMax: at?.machineCpu ?? 0,
    rssMbAtMax: at?.serverRssMb ?? 0,
    pssMbAtMax: at?.serverPssMb ?? 0,
    warmUp: warm!,
    steps,
  };
}

async function countRows(tdb: TestDatabase, table: string): Promise<number> {
  const [rows] = await tdb.pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number((rows as { n: number }[])[0].n);
}

async function benchServer(
  name: "sipd" | "kamailio",
  tdb: TestDatabase,
  start: () => Promise<ServerProcess>,
): Promise<ServerReport> {
  // Each server starts from the same state: no contacts left by the previous one.
  await tdb.pool.query("DELETE FROM location");
  const accBefore = await countRows(tdb, "acc");
  log(`\n${name}: starting`);
  let server: ServerProcess;
  try {
    server = await start();
  } catch (e) {
    log(`${name}: did not start: ${(e as Error).message}`);
    return {
      name,
      scenarios: {},
      locationRows: 0,
      accRows: 0,
      callsCompleted: 0,
      memoryAtEnd: { rssMb: 0, pssMb: 0 },
      startError: (e as Error).message.slice(0, 4000),
    };
  }
  log(`${name}: pid ${server.pid}, sip 127.0.0.1:${server.port}`);
  const report: ServerReport = {
    name,
    scenarios: {},
    locationRows: 0,
    accRows: 0,
    callsCompleted: 0,
    memoryAtEnd: { rssMb: 0, pssMb: 0 },
  };
  try {
    for (const s of scenarios) report.scenarios[s] = await runScenario(server, s);
    const end = sampleTree(server.pid);
    report.memoryAtEnd = { rssMb: end.rssBytes / 1048576, pssMb: end.pssBytes / 1048576 };
  } finally {
    await server.stop();
  }
  report.locationRows = await countRows(tdb, "location");
  report.accRows = (await countRows(tdb, "acc")) - accBefore;
  const call = report.scenarios.call;
  report.callsCompleted = call ? [call.warmUp, ...call.steps].reduce((a, s) => a + s.successful, 0) : 0;
  log(
    `${name}: stopped; location rows ${report.locationRows}, acc rows ${report.accRows} for ${report.callsCompleted} calls`,
  );
  if (report.callsCompleted && report.accRows < report.callsCompleted * 2)
    log(
      `${name}: WARNING ${report.callsCompleted * 2 - report.accRows} acc rows fewer than INVITE + BYE of every completed call`,
    );
  return report;
}

async function main() {
  const machine = machineInfo();
  const kamailioBin = argv.peer === "kamailio" ? ensureKamailio(log) : undefined;
  log(
    `bench:sip${quick ? " (QUICK)" : ""}: ${sipps} sipp processes, ${holdSec} s per step, ` +
      `rates per sipp ${plan.start}..${plan.max}, ${subscribers.toLocaleString("en-US")} subscribers`,
  );
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, node ${machine.node}`);
  const tdb = await createTestDatabase();
  const reports: ServerReport[] = [];
  try {
    await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: true });
    const t0 = performance.now();
    await insertSubscribers(tdb.pool, subscribers);
    log(
      `database ${tdb.name}: seed + ${fmt.int(subscribers)} subscribers in ${fmt.ms(performance.now() - t0)} ms`,
    );
    const profDir = join(REPO_ROOT, "bench/results/profiles");
    if (argv["cpu-prof"]) mkdirSync(profDir, { recursive: true });
    reports.push(
      await benchServer("sipd", tdb, () =>
        startSipd({
          databaseUrl: tdb.url,
          env: SIPD_ENV,
          nodeArgs: argv["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [],
        }),
      ),
    );
    if (kamailioBin) {
      reports.push(
        await benchServer("kamailio", tdb, () =>
          startKamailio({ binary: kamailioBin, databaseUrl: tdb.url, children: Number(argv.children) }),
        ),
      );
    }
  } finally {
    await tdb.drop();
  }

  const [sipd, kam] = reports;
  const ratios = Object.fromEntries(
    scenarios.map((s) => {
      const a = sipd.scenarios[s];
      const b = kam?.scenarios[s];
      return [
        s,
        {
          /** Highest rate sipd / Kamailio (above 1: sipd takes more). */
          rate: a && b?.maxRate ? a.maxRate / b.maxRate : null,
          /** CPU per operation sipd / Kamailio (above 1: sipd needs more CPU for the same work). */
          cpuPerOp: a && b?.cpuUsPerOpAtMax ? a.cpuUsPerOpAtMax / b.cpuUsPerOpAtMax : null,
        },
      ];
    }),
  );
  const rows: string[][] = [];
  for (const s of scenarios) {
    for (const r of reports) {
      const sc = r.scenarios[s];
      if (!sc) continue;
      const ratio = r === sipd && kam ? ratios[s] : undefined;
      rows.push([
        SCENARIOS[s].title,
        r.name,
        `${fmt.int(sc.maxRate)} ${sc.unit}`,
        fmt.int(sc.achievedAtMax),
        fmt.pct(sc.cpuAtMax),
        fmt.int(sc.cpuUsPerOpAtMax),
        fmt.pct(sc.sippCpuAtMax),
        fmt.pct(sc.machineCpuAtMax),
        fmt.mb(sc.pssMbAtMax),
        ratio?.rate != null ? `${ratio.rate.toFixed(2)}x` : "",
        ratio?.cpuPerOp != null ? `${ratio.cpuPerOp.toFixed(2)}x` : "",
      ]);
    }
  }
  const header = [
    "scenario",
    "server",
    "max rate, 0 failures",
    "achieved",
    "server CPU",
    "CPU µs/op",
    "sipp CPU",
    "machine CPU",
    "memory (PSS)",
    "rate sipd/kam",
    "CPU/op sipd/kam",
  ];
  log(
    `\n${quick ? "QUICK RUN (short steps, capped rates: not a capacity figure)\n" : ""}${formatTable(header, rows)}`,
  );
  log(
    "achieved: completed per second in that step; server CPU: % of one core, all processes of the server,\n" +
      "during the best step; CPU µs/op: server CPU time\n" +
      "per completed registration / call / keepalive; sipp CPU: all sipp processes, % of one core;\n" +
      "machine CPU: busy share of all cores (other users of the host included);\n" +
      "memory: PSS summed over the server's processes (shared memory counted once)",
  );
  const file = writeResult("sip", {
    kind: "bench:sip",
    at: new Date().toISOString(),
    quick,
    machine,
    options: {
      holdSec,
      sipps,
      subscribers,
      callMs,
      plan,
      scenarios,
      kamailioChildren: Number(argv.children),
    },
    sipdEnv: SIPD_ENV,
    kamailio: kam
      ? {
          ranOnMigratedDatabase: !kam.startError,
          config: "bench/kamailio/kamailio.cfg",
          error: kam.startError,
        }
      : undefined,
    servers: reports,
    ratios: kam ? ratios : undefined,
  });
  log(`results: ${file}`);
}

await main();
