/**
 * A second console process for specs that need their own environment (e.g. a DATABASE_URL through a
 * relay they can cut): `next start` of the same build the e2e webServer uses, on a free loopback
 * port, in its own process group so stop() ends it and its children.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

const WEB_DIR = fileURLToPath(new URL("../../apps/web/", import.meta.url));
const NEXT_BIN = fileURLToPath(new URL("../../node_modules/.bin/next", import.meta.url));

export interface ConsoleServer {
  baseUrl: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts `next start` with `env` on top of this process's environment; resolves once /login answers. */
export async function startConsole(env: Record<string, string>, timeoutMs = 60_000): Promise<ConsoleServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(NEXT_BIN, ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const server: ConsoleServer = {
    baseUrl,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const done = exited(child);
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5_000);
      await done;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/login`, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`next start did not answer on ${baseUrl} within ${timeoutMs} ms:\n${out}`);
}
