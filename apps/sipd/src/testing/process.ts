/**
 * sipd as its own process, started the way an operator starts it (`npm run sipd`: main.ts with
 * environment settings), for what an in-process sipd cannot show: signals (SIGTERM drains and
 * flushes, then exits), a restart from the database, and the process's own RSS and file descriptors.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRpcClient, type RpcClient } from "@switchboard/rpc";
import { DOMAIN, freeUdpTcpPort } from "./harness.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface SipdProcessOptions {
  databaseUrl: string;
  /** UDP+TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** usrloc db_mode (USRLOC_DB_MODE). */
  dbMode?: 0 | 1 | 2 | 3;
  /** SIPD_DRAIN_MS: how long SIGTERM waits for open transactions. */
  drainMs?: number;
  /** Config file content (SWITCHBOARD_CONFIG), for keys without an environment variable. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Extra node options, e.g. --max-old-space-size. */
  nodeArgs?: string[];
}

export interface SipdProcess {
  readonly pid: number;
  readonly port: number;
  readonly rpcUrl: string;
  rpc(): RpcClient;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 20,000 characters sipd wrote (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM (graceful stop) and waits for the exit. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, for clean-up after a failed test. */
  kill(): void;
}

/** Starts main.ts and resolves once its RPC listener answers (rejects if it exits first). */
export async function spawnSipd(o: SipdProcessOptions): Promise<SipdProcess> {
  const port = o.port ?? (await freeUdpTcpPort());
  const rpcPort = await freeUdpTcpPort();
  const dir = mkdtempSync(join(tmpdir(), "sb-sipd-"));
  const configFile = join(dir, "switchboard.config.json");
  writeFileSync(configFile, JSON.stringify(o.config ?? {}));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SWITCHBOARD_CONFIG: configFile,
    DATABASE_URL: o.databaseUrl,
    SIP_DOMAIN: DOMAIN,
    SIP_LISTEN: `udp:127.0.0.1:${port},tcp:127.0.0.1:${port}`,
    RPC_LISTEN: `127.0.0.1:${rpcPort}`,
    AUTH_SECRET: "test-secret",
    LOG_FORMAT: "json",
    LOG_LEVEL: process.env.SIPD_TEST_LOG ?? "warn",
    ...(o.dbMode !== undefined ? { USRLOC_DB_MODE: String(o.dbMode) } : {}),
    ...(o.drainMs !== undefined ? { SIPD_DRAIN_MS: String(o.drainMs) } : {}),
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, [...(o.nodeArgs ?? []), "--import", "tsx", MAIN], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const rpcUrl = `http://127.0.0.1:${rpcPort}/RPC`;
  const rpc = () => createRpcClient({ url: rpcUrl, protocol: "jsonrpc", timeoutMs: 5000 });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const until = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`sipd exited during start-up: ${out.slice(-2000)}`);
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`sipd did not answer RPC within 60 s: ${out.slice(-2000)}`);
    }
    const ok = await rpc()
      .callRaw("core.version", [])
      .then(() => true)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    port,
    rpcUrl,
    rpc,
    exited,
    output: () => out,
    terminate() {
      if (!gone) child.kill("SIGTERM");
      return exited;
    },
    kill() {
      if (!gone) child.kill("SIGKILL");
    },
  };
}

/** Resident set size of a process in bytes (VmRSS in /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Open file descriptors of a process (entries of /proc/<pid>/fd). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
