/**
 * The servers under test as separate processes: sipd (`node --import tsx apps/sipd/src/main.ts`)
 * and Debian's Kamailio with bench/kamailio/kamailio.cfg, both on loopback ports and the same
 * database. Each is ready once it answers an OPTIONS keepalive.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DOMAIN, freeUdpTcpPort } from "../../apps/sipd/src/testing/harness.ts";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const KAMAILIO_CFG = join(REPO_ROOT, "bench/kamailio/kamailio.cfg");

export interface ServerProcess {
  name: "sipd" | "kamailio";
  pid: number;
  port: number;
  /** sipd's JSON-RPC/XML-RPC endpoint (statistics), when the server has one this bench reaches. */
  rpcUrl?: string;
  /** Kamailio's binrpc control socket (for kamcmd). */
  ctlSocket?: string;
  /** Last lines the server wrote (stderr and stdout). */
  output(): string;
  /** SIGTERM, then wait for the exit (SIGKILL of the whole group after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Sends OPTIONS sip:127.0.0.1:port until a 200 comes back (the default script's keepalive). */
export async function waitForOptions(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const sock = createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  const local = sock.address().port;
  let answered = false;
  sock.on("message", (m) => {
    if (/^SIP\/2\.0 200 /.test(m.toString("latin1"))) answered = true;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!answered) {
      if (!alive()) throw new Error("server exited before answering OPTIONS");
      if (Date.now() > deadline) throw new Error(`no answer to OPTIONS on port ${port} in ${timeoutMs} ms`);
      const id = randomBytes(6).toString("hex");
      const msg = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${id};rport`,
        "Max-Forwards: 70",
        `From: <sip:probe@127.0.0.1:${local}>;tag=${id}`,
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: probe-${id}`,
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n");
      sock.send(msg, port, "127.0.0.1");
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    sock.close();
  }
}

function superviseChild(
  name: ServerProcess["name"],
  child: ChildProcess,
  port: number,
  cleanup: () => void,
): ServerProcess & { ready(timeoutMs: number): Promise<void> } {
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((r) =>
    child.once("exit", () => {
      exited = true;
      cleanup();
      r();
    }),
  );
  return {
    name,
    pid: child.pid!,
    port,
    output: () => out,
    async ready(timeoutMs) {
      try {
        await waitForOptions(port, timeoutMs, () => !exited);
      } catch (e) {
        if (!exited) child.kill("SIGKILL");
        throw new Error(`${name}: ${(e as Error).message}\n${out.slice(-3000)}`);
      }
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // group already gone
        }
      }, graceMs);
      await exit;
      clearTimeout(t);
    },
  };
}

export interface SipdLaunch {
  databaseUrl: string;
  /** Extra environment (WITH_* switches, USRLOC_DB_MODE, ...). */
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** What node runs: default `--import tsx apps/sipd/src/main.ts` (the `npm run sipd` way). */
  entry?: string[];
}

/** sipd as its own process, the way `npm run sipd` starts it. */
export async function startSipd(o: SipdLaunch): Promise<ServerProcess> {
  const port = await freeUdpTcpPort();
  const rpcPort = await freeUdpTcpPort();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), "--import", "tsx", "apps/sipd/src/main.ts"], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      SIP_DOMAIN: DOMAIN,
      SIP_LISTEN: `udp:127.0.0.1:${port},tcp:127.0.0.1:${port}`,
      RPC_LISTEN: `127.0.0.1:${rpcPort}`,
      AUTH_SECRET: randomBytes(16).toString("hex"),
      LOG_LEVEL: "warn",
      LOG_FORMAT: "text",
      ...o.env,
    },
  });
  const p = superviseChild("sipd", child, port, () => {});
  await p.ready(60_000);
  return { ...p, rpcUrl: `http://127.0.0.1:${rpcPort}/RPC` };
}

/** Debian's kamailio binary, or undefined. */
export function kamailioBinary(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v kamailio"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const KAMAILIO_PACKAGES = ["kamailio", "kamailio-mysql-modules", "kamailio-json-modules"];

/** Installs Debian's Kamailio when missing (as root), or explains how. */
export function ensureKamailio(log: (l: string) => void): string {
  const have = kamailioBinary();
  if (have) return have;
  const cmd = `apt-get install -y ${KAMAILIO_PACKAGES.join(" ")}`;
  if (process.getuid?.() !== 0)
    throw new Error(`kamailio is not installed; run: sudo ${cmd} (then rerun the benchmark)`);
  log(`installing Kamailio: ${cmd}`);
  const r = spawnSync("apt-get", ["install", "-y", ...KAMAILIO_PACKAGES], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}); try apt-get update first`);
  const bin = kamailioBinary();
  if (!bin) throw new Error("kamailio still not found after installing it");
  return bin;
}

export interface KamailioLaunch {
  binary: string;
  /** mysql://user:pass@host:port/db */
  databaseUrl: string;
  /** SIP worker processes per socket (kamailio.cfg `children`). */
  children: number;
  /** Shared memory, MB. */
  sharedMemMb?: number;
}

/** Kamailio in the foreground (-DD -E) with the bench config on a free loopback port. */
export async function startKamailio(o: KamailioLaunch): Promise<ServerProcess> {
  const port = await freeUdpTcpPort();
  const runDir = mkdtempSync(join(tmpdir(), "sb-kamailio-"));
  const child = spawn(
    o.binary,
    [
      "-f",
      KAMAILIO_CFG,
      "-DD",
      "-E",
      "-m",
      String(o.sharedMemMb ?? 256),
      "-Y",
      runDir,
      "-l",
      `udp:127.0.0.1:${port}`,
      "-l",
      `tcp:127.0.0.1:${port}`,
      "-A",
      `DBURL="${o.databaseUrl}"`,
      "-A",
      `SIP_DOMAIN="${DOMAIN}"`,
      "-A",
      `CTL_SOCKET="unix:${join(runDir, "ctl")}"`,
      "-A",
      `KAM_CHILDREN=${o.children}`,
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const p = superviseChild("kamailio", child, port, () => rmSync(runDir, { recursive: true, force: true }));
  await p.ready(30_000);
  return { ...p, ctlSocket: `unix:${join(runDir, "ctl")}` };
}

/** Runs `kamcmd` against a Kamailio's control socket and returns its output. */
export function kamcmd(ctlSocket: string, ...args: string[]): string {
  const r = spawnSync("kamcmd", ["-s", ctlSocket, ...args], { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`kamcmd ${args.join(" ")}: ${r.stderr || r.stdout}`);
  return r.stdout;
}
