/**
 * `npm run reliability:soak`: calls through a sipd process for --minutes at a steady rate (issue 8
 * item 8: half the measured maximum; pass it with --max, or set --rate). Every --interval seconds it
 * prints sipd's RSS, V8 heap, open file descriptors, transactions in use and the calls completed; at
 * the end the RSS trend after warm-up (least-squares slope), the fd range, sipp's failed calls and
 * whether every completed call has its acc INVITE and BYE rows.
 * Exit code 1 on a failed call, a missing acc row, or a sipd that died.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { authRow, freeUdpTcpPort, runSipp, startSipp } from "../../apps/sipd/src/testing/harness.ts";
import { spawnSipd } from "../../apps/sipd/src/testing/process.ts";
import { readSuccessLog, successLogArgs, successLogged } from "../../apps/sipd/src/testing/sipp-log.ts";
import {
  columns,
  mb,
  numericOptions,
  type ProcReading,
  readProc,
  runScript,
  scratchDatabase,
  sipdStats,
  sleep,
  table,
  udpDrops,
} from "./lib.ts";

/** bench:memory's preload: SIGUSR2 runs a full GC in sipd. */
const GC_ON_SIGNAL = fileURLToPath(new URL("../lib/gc-on-signal.mjs", import.meta.url));

const opts = numericOptions(
  "npm run reliability:soak -- [options]: steady calls through sipd, printing its RSS and fds",
  {
    minutes: 10,
    /** Calls per second (ignored when --max is given). */
    rate: 50,
    /** A measured maximum call rate; the soak then runs at half of it. */
    max: 0,
    /** Seconds between readings. */
    interval: 30,
    /** Call length (ms between ACK and BYE). */
    "duration-ms": 1000,
    /** Distinct calling subscribers. */
    callers: 50,
    /** Share of the run treated as warm-up for the RSS trend. */
    warmup: 0.2,
    /** 1: a full garbage collection in sipd before each reading, so the heap column holds live data only. */
    gc: 1,
  },
);

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

await runScript(async (cleanup) => {
  const rate = opts.max > 0 ? opts.max / 2 : opts.rate;
  const seconds = Math.round(opts.minutes * 60);
  const total = Math.round(rate * seconds);
  const callers = Array.from({ length: opts.callers }, (_, i) => `soak${1000 + i}`);
  const tdb = await scratchDatabase([...callers, "callee"]);
  cleanup(() => tdb.drop());
  const sipd = await spawnSipd({
    databaseUrl: tdb.url,
    nodeArgs: opts.gc ? ["--expose-gc", "--import", GC_ON_SIGNAL] : [],
  });
  cleanup(() => sipd.kill());
  const dir = mkdtempSync(join(tmpdir(), "sb-soak-"));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));

  const uasPort = await freeUdpTcpPort();
  const reg = await runSipp({
    scenario: "register-auth.xml",
    port: sipd.port,
    inject: [authRow("callee")],
    calls: 1,
    localPort: uasPort,
  });
  if (reg.successful !== 1) throw new Error(`callee registration failed: ${reg.output}`);
  const timeoutSec = seconds + 120;
  const uas = startSipp({
    scenario: "uas.xml",
    port: sipd.port,
    localPort: uasPort,
    calls: total,
    timeoutSec,
  });
  cleanup(() => uas.kill());
  const log = join(dir, "calls.log");
  const scenario = join(dir, "call-logged.xml");
  writeFileSync(scenario, successLogged("call-auth.xml", "CALL-OK [call_id]", "BYE"));
  console.log(
    `soak: ${rate} calls/s for ${opts.minutes} min (${total} calls of ${opts["duration-ms"]} ms) through sipd pid ${sipd.pid} (usrloc db_mode 2, acc on)`,
  );
  const t0 = Date.now();
  const uac = startSipp({
    scenario,
    port: sipd.port,
    inject: callers.map((c) => authRow(c, undefined, ["callee"])),
    calls: total,
    rate,
    duration: opts["duration-ms"],
    timeoutSec,
    args: successLogArgs(log),
  });
  cleanup(() => uac.kill());
  let finished = false;
  void uac.done.then(() => {
    finished = true;
  });

  const readings: (ProcReading & { heapMb: number })[] = [];
  console.log(
    columns(["s", "RSS MB", "heap MB", "fds", "tm inuse", "acc pending", "calls done", "UDP drops"]),
  );
  let next = t0;
  while (!finished) {
    next += opts.interval * 1000;
    while (!finished && Date.now() < next) await sleep(200);
    if (opts.gc) {
      process.kill(sipd.pid, "SIGUSR2");
      await sleep(300);
    }
    const s = await sipdStats(sipd, ["shmem:used_size", "tmx:inuse_transactions", "acc:pending"]);
    const r = { ...readProc(sipd.pid, t0), heapMb: s["shmem:used_size"] / 1048576 };
    readings.push(r);
    const row = [
      r.atSec,
      mb(r.rssMb),
      mb(r.heapMb),
      r.fds,
      s["tmx:inuse_transactions"],
      s["acc:pending"],
      readSuccessLog(log, /CALL-OK (\S+) BYE$/).length,
      udpDrops(sipd.port),
    ];
    console.log(columns(row));
  }
  const result = await uac.done;
  await uas.stop();

  // Every completed call's acc rows, once the queue is written (the scratch database holds only these calls).
  for (let i = 0; i < 100 && (await sipdStats(sipd, ["acc:pending"]))["acc:pending"] > 0; i++)
    await sleep(100);
  const ids = readSuccessLog(log, /CALL-OK (\S+) BYE$/);
  const [accRows] = await tdb.pool.query(
    "SELECT DISTINCT method, callid FROM acc WHERE sip_code = '200' AND method IN ('INVITE', 'BYE')",
  );
  const accounted = new Set(
    (accRows as { method: string; callid: string }[]).map((r) => `${r.method} ${r.callid}`),
  );
  const missingAcc = ids.flatMap((id) =>
    ["INVITE", "BYE"].filter((m) => !accounted.has(`${m} ${id}`)).map((m) => `${m} ${id}`),
  );
  const writer = (await sipd.rpc().callRaw("acc.stats", [])) as Record<string, number>;
  const counters = await sipdStats(sipd, ["sl:", "tmx:", "core:"]);
  if (missingAcc.length > 0) {
    const [rows] = await tdb.pool.query(
      "SELECT method, callid, sip_code, sip_reason FROM acc WHERE callid IN (?)",
      [missingAcc.slice(0, 20).map((m) => m.split(" ")[1])],
    );
    console.log(`acc rows of calls with a missing row: ${JSON.stringify(rows)}`);
  }
  const drops = udpDrops(sipd.port);
  const exit = await sipd.terminate();

  const steady = readings.filter((r) => r.atSec >= seconds * opts.warmup);
  const rss = steady.map((r) => r.rssMb);
  const fds = steady.map((r) => r.fds);
  const minutes = steady.map((r) => r.atSec / 60);
  const perMin = slope(minutes, rss);
  const heap = steady.map((r) => r.heapMb);
  console.log("\nsummary");
  console.log(
    table(
      ["", ""],
      [
        [
          "calls",
          `${result.successful} successful (${readSuccessLog(log, /CALL-OK (\S+) BYE$/).length} ended by the BYE's own 200), ${result.failed} failed of ${total} at ${rate}/s ${JSON.stringify(result.failures)}`,
        ],
        [
          "acc",
          `${accounted.size} distinct INVITE/BYE rows for ${ids.length} completed calls; ${missingAcc.length} missing ${missingAcc.slice(0, 5).join(", ")}; writer ${JSON.stringify(writer)}`,
        ],
        [
          `RSS after ${Math.round(seconds * opts.warmup)} s warm-up`,
          steady.length
            ? `min ${mb(Math.min(...rss))} MB, max ${mb(Math.max(...rss))} MB, trend ${perMin.toFixed(2)} MB/min`
            : "no readings",
        ],
        [
          `heap MB${opts.gc ? " after a full GC" : ""}`,
          steady.length
            ? `first ${mb(readings[0].heapMb)}; after warm-up min ${mb(Math.min(...heap))}, max ${mb(Math.max(...heap))}, trend ${slope(minutes, heap).toFixed(2)} MB/min`
            : "",
        ],
        [
          "sipd counters",
          Object.entries(counters)
            .filter(([k, v]) => v > 0 && /_replies|xx_transactions$/.test(k))
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        ],
        [
          "fds after warm-up",
          fds.length ? `min ${Math.min(...fds)}, max ${Math.max(...fds)}` : "no readings",
        ],
        [
          "sipd",
          `SIGTERM exit ${exit.code ?? exit.signal}; ${drops} datagrams dropped at its UDP socket (receive buffer full)`,
        ],
      ],
    ),
  );
  if (result.failed > 0 || missingAcc.length > 0 || exit.code !== 0) {
    console.log(`\nFAILED\n${result.output.slice(0, 2000)}`);
    process.exitCode = 1;
  }
});
