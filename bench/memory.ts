/**
 * `npm run bench:memory [-- --peer kamailio] [--quick]`: memory of sipd holding 0, 10,000 and
 * 100,000 registered contacts (one per address of record), and the bytes each contact costs.
 *
 * Subscribers are bulk-inserted; the contacts are registered with sipp (several processes). sipd runs
 * with WITH_AUTH=0 by default so registering 100,000 takes a minute, not several (the contact store
 * does not depend on it; --auth keeps digest auth on, which adds sipd's credential cache). Kamailio
 * (--peer) runs bench/kamailio/kamailio.cfg, which always authenticates. Each reading follows a full
 * garbage collection in sipd (SIGUSR2 through bench/lib/gc-on-signal.mjs) and is taken twice: right
 * after the registrations and once every request's transaction state has expired (--settle, 35 s;
 * sipd keeps a finished non-INVITE server transaction 32 s, RFC 3261 Timer J).
 *
 * Figures: RSS (VmRSS, what `ps` shows), PSS summed over the server's processes (fair for Kamailio's
 * shared memory), and the allocator's view: sipd's V8 heap in use, Kamailio's shm in use.
 *
 * Options: --counts 0,10000,100000   contact counts to measure (quick: 0,2000,10000)
 *          --rate <n>                registrations per second per sipp (default 500, quick 300)
 *          --sipps <n> (default 2)   --settle <s> (default 35)   --auth   --peer kamailio
 */
import { parseArgs } from "node:util";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { createRpcClient } from "@switchboard/rpc";
import { authRow, DOMAIN, freeUdpTcpPort, runSipp } from "../apps/sipd/src/testing/harness.ts";
import { benchUser, insertSubscribers } from "./lib/data.ts";
import { sampleTree } from "./lib/proc.ts";
import { fmt, formatTable, machineInfo, writeResult } from "./lib/report.ts";
import { ensureKamailio, kamcmd, type ServerProcess, startKamailio, startSipd } from "./lib/servers.ts";

const { values: argv } = parseArgs({
  options: {
    peer: { type: "string" },
    quick: { type: "boolean", default: false },
    counts: { type: "string" },
    rate: { type: "string" },
    sipps: { type: "string", default: "2" },
    settle: { type: "string", default: "35" },
    auth: { type: "boolean", default: false },
    children: { type: "string", default: "4" },
  },
});
if (argv.peer && argv.peer !== "kamailio") throw new Error(`--peer: only "kamailio" is supported`);
const quick = argv.quick;
const counts = (argv.counts ?? (quick ? "0,2000,10000" : "0,10000,100000")).split(",").map(Number);
const rate = Number(argv.rate ?? (quick ? 300 : 500));
const sipps = Number(argv.sipps);
const settleSec = Number(argv.settle);
const log = (l: string) => console.log(l);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reading {
  contacts: number;
  /** "registered": right after the registrations; "settled": after --settle seconds. */
  phase: "registered" | "settled";
  /** Contacts the server reports (usrloc statistics). */
  serverContacts: number;
  rssMb: number;
  pssMb: number;
  /** sipd: V8 heap in use after a full GC; Kamailio: shared memory in use. */
  allocatorMb: number;
}

interface ServerMemory {
  name: string;
  readings: Reading[];
  /** Per contact, from the 0-contact reading to the largest count, settled readings. */
  bytesPerContact?: { rss: number; pss: number; allocator: number };
  auth: boolean;
}

async function readSipd(server: ServerProcess): Promise<Omit<Reading, "contacts" | "phase">> {
  process.kill(server.pid, "SIGUSR2"); // full GC (gc-on-signal.mjs)
  await sleep(1500);
  const rpc = createRpcClient({ url: server.rpcUrl!, protocol: "jsonrpc" });
  const st = (await rpc.callRaw("stats.fetchn", ["shmem:used_size", "usrloc:registered_users"])) as Record<
    string,
    number
  >;
  const t = sampleTree(server.pid);
  return {
    serverContacts: st["usrloc.registered_users"],
    rssMb: t.rssBytes / 1048576,
    pssMb: t.pssBytes / 1048576,
    allocatorMb: st["shmem.used_size"] / 1048576,
  };
}

/** A number from kamcmd's "name: value" / "group:name = value" output. */
function kamValue(out: string, name: string): number {
  const m = new RegExp(`(?:^|\\s|:)${name}\\s*[:=]\\s*(\\d+)`, "m").exec(out);
  return m ? Number(m[1]) : 0;
}

async function readKamailio(server: ServerProcess): Promise<Omit<Reading, "contacts" | "phase">> {
  const shm = kamcmd(server.ctlSocket!, "core.shmmem");
  const users = kamcmd(server.ctlSocket!, "stats.get_statistics", "usrloc:");
  const t = sampleTree(server.pid);
  return {
    serverContacts: kamValue(users, "registered_users"),
    rssMb: t.rssBytes / 1048576,
    pssMb: t.pssBytes / 1048576,
    allocatorMb: kamValue(shm, "used") / 1048576,
  };
}

/** Registers benchUser(from..to-1), split over the sipp processes; throws on any failure. */
async function register(server: ServerProcess, from: number, to: number, withAuth: boolean) {
  const n = to - from;
  if (n <= 0) return;
  const per = Math.ceil(n / sipps);
  const started = performance.now();
  const runs = [];
  for (let p = 0; p < sipps; p++) {
    const users = Array.from({ length: Math.max(0, Math.min(per, n - p * per)) }, (_, i) =>
      benchUser(from + p * per + i),
    );
    if (!users.length) continue;
    runs.push(
      runSipp({
        scenario: withAuth ? "register-auth.xml" : "register.xml",
        port: server.port,
        inject: users.map((u) => (withAuth ? authRow(u) : `${u};${DOMAIN}`)),
        calls: users.length,
        rate,
        // Not sipp's default 5060, which other programs on the host may be using.
        localPort: await freeUdpTcpPort(),
        timeoutSec: Math.ceil(users.length / rate) + 120,
      }),
    );
  }
  const results = await Promise.all(runs);
  const ok = results.reduce((a, r) => a + r.successful, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  log(
    `  registered ${fmt.int(ok)} in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (failed ? `, ${failed} FAILED` : ""),
  );
  if (failed || ok < n) throw new Error(`registration failed: ${results.map((r) => r.output).join("\n")}`);
}

async function measure(
  name: "sipd" | "kamailio",
  server: ServerProcess,
  withAuth: boolean,
): Promise<ServerMemory> {
  const read = name === "sipd" ? readSipd : readKamailio;
  const readings: Reading[] = [];
  let have = 0;
  for (const target of counts) {
    await register(server, have, target, withAuth);
    const registered = target > have;
    have = Math.max(have, target);
    const phases: Reading["phase"][] = registered ? ["registered", "settled"] : ["settled"];
    for (const phase of phases) {
      if (phase === "settled" && registered) await sleep(settleSec * 1000);
      const r = { contacts: target, phase, ...(await read(server)) };
      readings.push(r);
      log(
        `  ${name} ${fmt.int(target)} contacts (${phase}): server counts ${fmt.int(r.serverContacts)}, ` +
          `RSS ${fmt.mb(r.rssMb)}, PSS ${fmt.mb(r.pssMb)}, ${name === "sipd" ? "heap" : "shm"} ${fmt.mb(r.allocatorMb)}`,
      );
    }
  }
  const settled = readings.filter((r) => r.phase === "settled");
  const first = settled[0];
  const last = settled[settled.length - 1];
  const span = last.contacts - first.contacts;
  const per = (a: number, b: number) => ((b - a) * 1048576) / span;
  return {
    name,
    readings,
    auth: withAuth,
    bytesPerContact:
      span > 0
        ? {
            rss: per(first.rssMb, last.rssMb),
            pss: per(first.pssMb, last.pssMb),
            allocator: per(first.allocatorMb, last.allocatorMb),
          }
        : undefined,
  };
}

async function main() {
  const machine = machineInfo();
  const kamailioBin = argv.peer === "kamailio" ? ensureKamailio(log) : undefined;
  const max = Math.max(...counts);
  log(
    `bench:memory${quick ? " (QUICK)" : ""}: contacts ${counts.map(fmt.int).join(", ")}; ${sipps} sipp at ${rate}/s each`,
  );
  const results: ServerMemory[] = [];
  const tdb: TestDatabase = await createTestDatabase();
  try {
    const t0 = performance.now();
    await insertSubscribers(tdb.pool, max);
    log(`database ${tdb.name}: ${fmt.int(max)} subscribers in ${fmt.ms(performance.now() - t0)} ms`);

    log("\nsipd: starting");
    const sipd = await startSipd({
      databaseUrl: tdb.url,
      nodeArgs: ["--expose-gc", "--import", "./bench/lib/gc-on-signal.mjs"],
      env: { WITH_AUTH: argv.auth ? "1" : "0", USRLOC_DB_MODE: "2", WITH_NAT: "0", WITH_ANTIFLOOD: "0" },
    });
    try {
      results.push(await measure("sipd", sipd, argv.auth));
    } finally {
      await sipd.stop();
    }
    if (kamailioBin) {
      await tdb.pool.query("DELETE FROM location");
      log("\nkamailio: starting");
      const kam = await startKamailio({
        binary: kamailioBin,
        databaseUrl: tdb.url,
        children: Number(argv.children),
        // Room for 100,000 contacts and their transactions.
        sharedMemMb: 512,
      });
      try {
        results.push(await measure("kamailio", kam, true));
      } finally {
        await kam.stop();
      }
    }
  } finally {
    await tdb.drop();
  }

  const rows: string[][] = [];
  for (const r of results)
    for (const x of r.readings)
      rows.push([
        r.name,
        fmt.int(x.contacts),
        x.phase,
        fmt.mb(x.rssMb),
        fmt.mb(x.pssMb),
        fmt.mb(x.allocatorMb),
      ]);
  log(
    `\n${quick ? "QUICK RUN (small counts)\n" : ""}${formatTable(
      ["server", "contacts", "when", "RSS", "PSS", "heap/shm used"],
      rows,
    )}`,
  );
  const perRows = results
    .filter((r) => r.bytesPerContact)
    .map((r) => [
      r.name,
      fmt.int(r.bytesPerContact!.rss),
      fmt.int(r.bytesPerContact!.pss),
      fmt.int(r.bytesPerContact!.allocator),
      fmt.mb((r.bytesPerContact!.pss * 100_000) / 1048576),
    ]);
  log(`\n${formatTable(["bytes per contact", "RSS", "PSS", "heap/shm", "PSS per 100k contacts"], perRows)}`);
  log(
    "settled readings (after every transaction expired), from the 0-contact reading to the largest count;\n" +
      "RSS sums every process's resident set (Kamailio's shared memory once per process), PSS counts it once;\n" +
      "heap/shm: sipd's V8 heap in use after a full GC, Kamailio's shared memory in use (kamcmd core.shmmem)",
  );
  const file = writeResult("memory", {
    kind: "bench:memory",
    at: new Date().toISOString(),
    quick,
    machine,
    options: { counts, rate, sipps, settleSec, sipdAuth: argv.auth },
    servers: results,
  });
  log(`results: ${file}`);
}

await main();
