/**
 * Test harness: a real sipd on ephemeral loopback ports over a throw-away migrated and seeded
 * MariaDB database, and a runner for real sipp peers. Used by sipd's integration tests, the
 * e2e tests and the bench scripts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, loadConfig } from "@switchboard/config";
import { createDb } from "@switchboard/db";
import { seedDemo } from "@switchboard/db/seed";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { sql } from "drizzle-orm";
import { Logger } from "../log.ts";
import type { ModuleOptions } from "../modules.ts";
import type { RoutingScript } from "../script/ksr.ts";
import { Sipd } from "../server.ts";

export const SCENARIOS = fileURLToPath(new URL("../../../../bench/scenarios/", import.meta.url));
export const DOMAIN = "switchboard.local";

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface TestSipd {
  sipd: Sipd;
  tdb: TestDatabase;
  config: Config;
  /** UDP/TCP port sipd listens on (both the same). */
  port: number;
  rpcUrl: string;
  /** Stops sipd; the database is kept for a restart unless `drop` is true. */
  stop(opts?: { drop?: boolean; drainMs?: number }): Promise<void>;
}

export async function startTestSipd(
  overrides: DeepPartial<Config> = {},
  opts: {
    tdb?: TestDatabase;
    seed?: boolean;
    port?: number;
    logLevel?: Config["log"]["level"];
    /** A routing script instead of the default kamailio.cfg one. */
    script?: RoutingScript;
    /** Module test hooks; the dispatcher pings every second unless given. */
    modules?: ModuleOptions;
    /** sipd's own connection to the test database (e.g. through a relay that cuts it); tdb stays direct. */
    dbUrl?: string;
  } = {},
): Promise<TestSipd> {
  const tdb = opts.tdb ?? (await createTestDatabase());
  if (opts.seed !== false && !opts.tdb) await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: true });
  const port = opts.port ?? (await freeUdpTcpPort());
  const base = loadConfig({ env: {}, file: undefined });
  const config: Config = {
    ...base,
    ...overrides,
    sip: {
      ...base.sip,
      domain: DOMAIN,
      listen: [`udp:127.0.0.1:${port}`, `tcp:127.0.0.1:${port}`],
      ...overrides.sip,
    },
    rpc: { ...base.rpc, listen: "127.0.0.1:0", ...overrides.rpc },
    features: { ...base.features, ...overrides.features },
    usrloc: { ...base.usrloc, ...overrides.usrloc },
    registrar: { ...base.registrar, ...overrides.registrar },
    tm: { ...base.tm, ...overrides.tm },
    auth: { ...base.auth, secret: "test-secret", ...overrides.auth },
  } as Config;
  const log = new Logger(
    opts.logLevel ?? (process.env.SIPD_TEST_LOG as Config["log"]["level"]) ?? "error",
    true,
  );
  const own = opts.dbUrl ? createDb(opts.dbUrl) : undefined;
  const db = own?.db ?? tdb.db;
  const sipd = new Sipd({
    config,
    db,
    log,
    dbPing: () => db.execute(sql`SELECT 1`).then(() => true),
    script: opts.script,
    modules: opts.modules ?? { dispatcher: { ds_ping_interval: 1 } },
  });
  await sipd.start();
  return {
    sipd,
    tdb,
    config,
    port,
    rpcUrl: sipd.rpc!.url,
    async stop({ drop = true, drainMs = 2000 } = {}) {
      await sipd.stop(drainMs);
      await own?.close();
      if (drop) await tdb.drop();
    },
  };
}

/** A port free for both UDP and TCP on 127.0.0.1. */
export async function freeUdpTcpPort(): Promise<number> {
  const { createSocket } = await import("node:dgram");
  const { createServer } = await import("node:net");
  for (;;) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket("udp4");
    const ok = await new Promise<boolean>((r) => {
      udp.once("error", () => r(false));
      udp.bind(port, "127.0.0.1", () => r(true));
    });
    await new Promise((r) => tcp.close(r));
    if (ok) await new Promise((r) => udp.close(() => r(null)));
    if (ok) return port;
  }
}

export interface SippResult {
  code: number;
  successful: number;
  failed: number;
  /** sipp's non-zero failure counters by cause, e.g. { FailedMaxUDPRetrans: 3 }. */
  failures: Record<string, number>;
  /** sipp's screen/error output, for assertion messages. */
  output: string;
}

export interface SippOptions {
  /** Scenario file name in bench/scenarios, or an absolute path. */
  scenario: string;
  /** Target (sipd) port on 127.0.0.1. */
  port: number;
  /** Injection file rows (fields separated by ';'). */
  inject?: string[];
  calls: number;
  rate?: number;
  /**
   * Local port. Default: a free port picked here; sipp itself would try 5060 first, so concurrent
   * runs on one host would receive each other's messages.
   */
  localPort?: number;
  /** Local address (default 127.0.0.1), e.g. 127.0.0.2 for a second source address. */
  localIp?: string;
  transport?: "u1" | "un" | "t1" | "tn";
  /** Call duration for <pause/> (ms). */
  duration?: number;
  timeoutSec?: number;
  /** Extra raw sipp arguments. */
  args?: string[];
}

/** Runs sipp to completion (bounded by -m and -timeout) and reads its final statistics. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/**
 * One REGISTER (with digest auth) of `user` to the sipd on `port`, sent from `localPort`: a sipp UAS
 * listening there afterwards is what lookup("location") finds for that user.
 */
export function registerFrom(port: number, user: string, localPort: number): Promise<SippResult> {
  return runSipp({ scenario: "register-auth.xml", port, inject: [authRow(user)], calls: 1, localPort });
}

export interface SippProcess {
  /** Settles when sipp exits (after -m calls, -timeout, or kill()). */
  done: Promise<SippResult>;
  /** Ends sipp at once (SIGKILL): a peer that disappears, e.g. a dispatcher destination going down. */
  kill(): void;
  /** Soft exit (SIGUSR1): no new calls, the ongoing ones finish, final statistics are written. */
  stop(): Promise<SippResult>;
}

/** Starts sipp in the background: a UAS that must be listening before the UAC calls. */
export function startSipp(o: SippOptions): SippProcess {
  const started = (async () => spawnSipp({ ...o, localPort: o.localPort ?? (await freeUdpTcpPort()) }))();
  return {
    done: started.then((p) => p.done),
    kill: () => void started.then((p) => p.kill()),
    stop: () => started.then((p) => p.stop()),
  };
}

function spawnSipp(o: SippOptions & { localPort: number }): SippProcess {
  const dir = mkdtempSync(join(tmpdir(), "sb-sipp-"));
  const args = [
    `127.0.0.1:${o.port}`,
    "-sf",
    o.scenario.startsWith("/") ? o.scenario : join(SCENARIOS, o.scenario),
    "-i",
    o.localIp ?? "127.0.0.1",
    "-m",
    String(o.calls),
    "-r",
    String(o.rate ?? 50),
    "-t",
    o.transport ?? "u1",
    "-nostdin",
    "-timeout",
    `${o.timeoutSec ?? 30}s`,
    "-timeout_error",
    "-max_recv_loops",
    "1000",
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
    "-trace_stat",
    "-stf",
    join(dir, "stat.csv"),
    "-fd",
    "1",
    "-p",
    String(o.localPort),
    ...(o.duration !== undefined ? ["-d", String(o.duration)] : []),
    ...(o.args ?? []),
    // SIPP_TRACE=1 keeps each run's directory with sipp's message trace, for debugging a scenario.
    ...(process.env.SIPP_TRACE ? ["-trace_msg"] : []),
  ];
  if (o.inject) {
    const f = join(dir, "inject.csv");
    writeFileSync(f, `SEQUENTIAL\n${o.inject.join("\n")}\n`);
    args.push("-inf", f);
  }
  const child = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const done = (async () => {
    try {
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out = (out + d).slice(-20_000);
        });
        child.stderr.on("data", (d) => {
          out = (out + d).slice(-20_000);
        });
        child.on("exit", (c) => resolve({ code: c ?? -1, output: out }));
      });
      const stat = readLastStat(join(dir, "stat.csv"));
      let errors = "";
      try {
        errors = readFileSync(join(dir, "errors.log"), "utf8").slice(0, 4000);
      } catch {
        // no errors file when nothing failed
      }
      return {
        code,
        successful: stat.successful,
        failed: stat.failed,
        failures: stat.failures,
        output: errors || output.slice(-4000),
      };
    } finally {
      if (process.env.SIPP_TRACE) process.stderr.write(`sipp trace kept in ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  })();
  return {
    done,
    kill: () => child.kill("SIGKILL"),
    stop: () => {
      child.kill("SIGUSR1");
      return done;
    },
  };
}

function readLastStat(file: string): Pick<SippResult, "successful" | "failed" | "failures"> {
  try {
    const lines = readFileSync(file, "utf8").trim().split("\n");
    const head = lines[0].split(";");
    const last = lines[lines.length - 1].split(";");
    const col = (name: string) => Number(last[head.indexOf(name)] ?? 0);
    const failures: Record<string, number> = {};
    head.forEach((name, i) => {
      const m = /^(Failed\w+)\(C\)$/.exec(name);
      if (m && m[1] !== "FailedCall" && Number(last[i]) > 0) failures[m[1]] = Number(last[i]);
    });
    return { successful: col("SuccessfulCall(C)"), failed: col("FailedCall(C)"), failures };
  } catch {
    return { successful: 0, failed: 0, failures: {} };
  }
}

/** Injection rows "user;domain;[authentication ...]" for sipp's register/call scenarios. */
export function authRow(user: string, password = `${user}-pass`, extra: string[] = []): string {
  return [user, DOMAIN, `[authentication username=${user} password=${password}]`, ...extra].join(";");
}
