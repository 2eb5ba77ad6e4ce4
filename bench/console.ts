/**
 * `npm run bench:console [-- --quick]`: the console on a carrier-sized database. Loads 1,000,000
 * subscribers, 1,000,000 acc INVITE/BYE pairs (plus missed calls), 1,000,000 CDRs and a month of
 * statistics samples into a throw-away database with multi-row INSERTs, starts the built console
 * (`next start`, building apps/web first when .next is missing), logs in over HTTP like the browser
 * does (tRPC auth.login, then the session's CSRF token), and times over HTTP:
 *   the subscriber list (first page, and a deep page by OFFSET), subscriber search by prefix,
 *   the CDR list filtered to one day, every chart procedure of the Charts page over a 7-day window,
 *   and "generate CDRs now" (the cdrs.startJob job) for the 1,000,000 acc pairs.
 * Each query runs --calls times (default 50) after two warm-up calls; inputs change from call to call
 * (another prefix, day or window) so neither MariaDB nor the charts' 10 s memo answers from a cache.
 * Prints p50/p95 per procedure and writes bench/results/<timestamp>-console.json.
 *
 * Options: --rows <n>   subscribers, acc pairs and CDRs each (default 1000000; quick 100000)
 *          --calls <n>  timed calls per procedure (default 50; quick 10)
 *          --days <n>   period the traffic spreads over (default 30)
 *          --build      rebuild apps/web first even when a build exists (it may predate the source)
 *          --quick
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { toSqlDateTime } from "@switchboard/db";
import { mulberry32 } from "@switchboard/db/prng";
import { createTestDatabase } from "@switchboard/db/testing";
import { freeUdpTcpPort } from "../apps/sipd/src/testing/harness.ts";
import { createAdmin } from "../apps/web/src/server/auth/admins.ts";
import { loadConsoleData } from "./lib/console-data.ts";
import { benchUser } from "./lib/data.ts";
import { sampleTree } from "./lib/proc.ts";
import { fmt, formatTable, machineInfo, quantile, writeResult } from "./lib/report.ts";
import { REPO_ROOT } from "./lib/servers.ts";

const { values: argv } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rows: { type: "string" },
    calls: { type: "string" },
    days: { type: "string", default: "30" },
    build: { type: "boolean", default: false },
  },
});
const quick = argv.quick;
const rows = Number(argv.rows ?? (quick ? 100_000 : 1_000_000));
const calls = Number(argv.calls ?? (quick ? 10 : 50));
const days = Number(argv.days);
const log = (l: string) => console.log(l);
const WEB_DIR = join(REPO_ROOT, "apps/web");

/** The console's tRPC endpoint spoken the way the browser's httpLink does, with the session cookie. */
class ConsoleClient {
  private cookie = "";
  private csrf = "";
  constructor(readonly base: string) {}

  private headers(): Record<string, string> {
    return {
      "content-type": "application/json",
      // What a browser sends on a same-origin fetch; mutations are refused without it.
      "sec-fetch-site": "same-origin",
      origin: this.base,
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.csrf ? { "x-csrf-token": this.csrf } : {}),
    };
  }

  private async unwrap(path: string, res: Response): Promise<unknown> {
    const body = (await res.json()) as { result?: { data: unknown }; error?: { message?: string } };
    if (!res.ok || body.error) throw new Error(`${path}: HTTP ${res.status} ${body.error?.message ?? ""}`);
    return body.result?.data;
  }

  async query(path: string, input?: unknown): Promise<unknown> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${this.base}/api/trpc/${path}${q}`, { headers: this.headers() });
    return this.unwrap(path, res);
  }

  async mutate(path: string, input: unknown): Promise<unknown> {
    const res = await fetch(`${this.base}/api/trpc/${path}`, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify(input),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("sb_session="));
    if (setCookie) this.cookie = setCookie.split(";")[0];
    return this.unwrap(path, res);
  }

  /** auth.login, then auth.me for the CSRF token every later mutation must carry. */
  async login(username: string, password: string): Promise<void> {
    await this.mutate("auth.login", { username, password });
    const me = (await this.query("auth.me")) as { csrfToken: string } | null;
    if (!me) throw new Error("login did not create a session");
    this.csrf = me.csrfToken;
  }
}

/** Builds apps/web when there is no production build yet, or when asked to. */
function ensureWebBuild(force: boolean): void {
  if (!force && existsSync(join(WEB_DIR, ".next/BUILD_ID"))) return;
  log("building the console: npm run build -w @switchboard/web");
  const r = spawnSync("npm", ["run", "build", "-w", "@switchboard/web"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error("building the console failed");
}

async function startConsole(databaseUrl: string) {
  const port = await freeUdpTcpPort();
  const next = join(REPO_ROOT, "node_modules/next/dist/bin/next");
  const child = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: WEB_DIR,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out = (out + d).slice(-4000);
  });
  child.stderr.on("data", (d) => {
    out = (out + d).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${out}`);
    try {
      const r = await fetch(`${base}/api/trpc/auth.me`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`console did not answer in 60 s: ${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    pid: child.pid!,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      const t = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

interface Timing {
  name: string;
  calls: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  /** What the last call returned, briefly (rows on the page, chart points...). */
  note: string;
}

async function timeCalls(name: string, n: number, call: (i: number) => Promise<unknown>): Promise<Timing> {
  await call(-1);
  await call(-2);
  const ms: number[] = [];
  let last: unknown;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    last = await call(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const t: Timing = {
    name,
    calls: n,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    min: ms[0],
    max: ms[ms.length - 1],
    note: describe(last),
  };
  log(`  ${name}: p50 ${fmt.ms(t.p50)} ms, p95 ${fmt.ms(t.p95)} ms (${t.note})`);
  return t;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `${v.length} rows`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.rows)) return `${o.rows.length} rows${o.hasNext ? ", more" : ""}`;
    if (Array.isArray(o.keys)) return `${o.keys.length} buckets`;
    if (Array.isArray(o.counts)) return `${o.counts.length} classes`;
  }
  return typeof v;
}

/** "YYYY-MM-DD HH:MM" in local time, as the console's date inputs send it. */
const localMinute = (d: Date) => toSqlDateTime(d).slice(0, 16);

async function main() {
  const machine = machineInfo();
  log(
    `bench:console${quick ? " (QUICK)" : ""}: ${fmt.int(rows)} subscribers / acc pairs / CDRs over ${days} days, ${calls} calls per procedure`,
  );
  ensureWebBuild(argv.build);
  const tdb = await createTestDatabase();
  const timings: Timing[] = [];
  let generation: Record<string, unknown> | undefined;
  let load: Awaited<ReturnType<typeof loadConsoleData>> = [];
  let consoleMemoryMb = 0;
  // The buffer pool decides whether a million-row table is read from memory or from disk.
  const [bpRows] = await tdb.pool.query("SELECT @@innodb_buffer_pool_size AS bp");
  const innodbBufferPoolMb = Number((bpRows as { bp: number }[])[0].bp) / 1048576;
  try {
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    log(`database ${tdb.name}: loading`);
    load = await loadConsoleData(tdb.pool, { n: rows, days, end }, log);
    await tdb.pool.query("ANALYZE TABLE subscriber, acc, missed_calls, cdrs, statistics");

    const username = "bench-admin";
    const password = randomBytes(12).toString("hex");
    await createAdmin(tdb.db, { username, password, role: "admin" });
    const web = await startConsole(tdb.url);
    try {
      const c = new ConsoleClient(web.base);
      await c.login(username, password);
      log(`console ${web.base} (pid ${web.pid}): logged in as ${username}`);
      const rnd = mulberry32(7);
      const anyUser = () => benchUser(Math.floor(rnd() * rows));
      const dayMs = 86_400_000;

      timings.push(
        await timeCalls("subscribers.list, first page", calls, () =>
          c.query("subscribers.list", { page: 1, pageSize: 25 }),
        ),
      );
      timings.push(
        await timeCalls("subscribers.list, deep page (OFFSET)", calls, (i) =>
          c.query("subscribers.list", {
            page: Math.floor(rows / 25 / 2) + Math.max(i, 0),
            pageSize: 25,
          }),
        ),
      );
      timings.push(
        await timeCalls("subscribers.list, search by prefix", calls, () =>
          // Seven characters of "b0001234": about ten matches.
          c.query("subscribers.list", { page: 1, pageSize: 25, search: anyUser().slice(0, 7) }),
        ),
      );
      timings.push(
        await timeCalls("cdrs.list, one day", calls, () => {
          const day = new Date(end.getTime() - Math.floor(rnd() * (days - 1) + 1) * dayMs);
          const d = localMinute(day).slice(0, 10);
          return c.query("cdrs.list", { page: 1, pageSize: 25, from: `${d} 00:00`, to: `${d} 23:59` });
        }),
      );
      const charts: [string, Record<string, unknown>][] = [
        ["stats.calls", {}],
        ["stats.asrAcd", {}],
        ["stats.durations", {}],
        ["stats.topCallers", { limit: 10 }],
        ["stats.topCallees", { limit: 10 }],
        ["stats.inviteReplies", {}],
        ["stats.sipLoad", {}],
        ["stats.memory", {}],
        ["stats.registered", {}],
      ];
      for (const [k, [path, extra]] of charts.entries()) {
        timings.push(
          await timeCalls(`${path}, 7 days`, calls, (i) => {
            // A window no other call uses (shifted by minutes): the charts' 10 s memo, shared between
            // charts built from the same scan, must not answer instead of the database.
            const to = new Date(end.getTime() - (k * (calls + 2) + i + 3) * 60_000);
            const from = new Date(to.getTime() - 7 * dayMs);
            return c.query(path, { range: "7d", from: localMinute(from), to: localMinute(to), ...extra });
          }),
        );
      }

      log(`  CDR generation for ${fmt.int(rows)} acc pairs (cdrs.startJob generate):`);
      const t0 = performance.now();
      await c.mutate("cdrs.startJob", { kind: "generate" });
      let job: Record<string, unknown> | null = null;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        job = (await c.query("cdrs.job", { kind: "generate" })) as Record<string, unknown> | null;
        if (job && job.state !== "running") break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const result = (job?.result ?? {}) as { cdrs?: number; examined?: number };
      generation = { seconds, pairsPerSecond: (result.cdrs ?? 0) / seconds, ...job };
      log(
        `    ${job?.state}: ${fmt.int(result.cdrs ?? 0)} CDRs from ${fmt.int(result.examined ?? 0)} acc rows in ${seconds.toFixed(1)} s` +
          (job?.error ? ` (${job.error})` : ""),
      );
      consoleMemoryMb = sampleTree(web.pid).pssBytes / 1048576;
    } finally {
      await web.stop();
    }
  } finally {
    await tdb.drop();
  }

  log(
    `\n${quick ? "QUICK RUN (smaller tables, fewer calls)\n" : ""}${formatTable(
      ["procedure (over HTTP, logged in)", "p50 ms", "p95 ms", "max ms", "result"],
      timings.map((t) => [t.name, fmt.ms(t.p50), fmt.ms(t.p95), fmt.ms(t.max), t.note]),
    )}`,
  );
  if (generation)
    log(
      `CDR generation: ${Number(generation.seconds).toFixed(1)} s for ${fmt.int(rows)} acc pairs ` +
        `(${fmt.int(Number(generation.pairsPerSecond))} CDRs/s)`,
    );
  const file = writeResult("console", {
    kind: "bench:console",
    at: new Date().toISOString(),
    quick,
    machine: { ...machine, innodbBufferPoolMb },
    options: { rows, calls, days },
    load,
    timings,
    generation,
    consoleMemoryMb,
  });
  log(`results: ${file}`);
}

await main();
