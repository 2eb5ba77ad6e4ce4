/**
 * docker:test's checks against the compose stack that docker/test.sh brought up, made from the host
 * through the published ports, the way an operator's phones and browser reach it:
 *   - sipp registers a demo subscriber on the published SIP port (UDP and TCP): digest auth against the
 *     seeded subscriber table, and every response finds its way back through the bridge's NAT;
 *   - sipd's own view (RPC inside its container, which is the only place RPC is reachable): ul.dump
 *     holds the contact, /health and /metrics answer;
 *   - Playwright drives Debian's Chromium through the console's login with the admin `migrate` printed.
 * Run by docker/test.sh as `node --import tsx --test docker/smoke.ts` with the SMOKE_* variables set.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { chromium } from "@playwright/test";

const run = promisify(execFile);

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (docker/smoke.ts is run by docker/test.sh)`);
  return v;
}

const sipTarget = env("SMOKE_SIP"); // host:port of the published SIP port
const domain = env("SMOKE_DOMAIN");
const subscriber = env("SMOKE_USER");
const subscriberPassword = env("SMOKE_PASSWORD");
const webUrl = env("SMOKE_WEB");
const compose: string[] = JSON.parse(env("SMOKE_COMPOSE")); // argv of `docker-compose -p .. -f ..`

const scenario = new URL("sipp-register.xml", import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), "sb-docker-smoke-"));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** One REGISTER transaction pair (401 challenge, 200) from sipp over `transport`. */
async function register(transport: "u1" | "t1") {
  const args = [
    sipTarget,
    ...["-sf", scenario, "-t", transport, "-i", "127.0.0.1", "-m", "1", "-nostdin"],
    ...["-s", subscriber, "-au", subscriber, "-ap", subscriberPassword, "-key", "domain", domain],
    ...["-timeout", "20s", "-timeout_error", "-recv_timeout", "10000", "-trace_err"],
  ];
  try {
    await run("/usr/bin/sipp", args, { cwd: workDir, timeout: 30_000 });
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    assert.fail(
      `sipp ${transport} exited ${err.code}\n${(err.stdout ?? "").slice(-1500)}${err.stderr ?? ""}`,
    );
  }
}

/** Runs `node -e script` inside the sipd container, where RPC_LISTEN and RPC_TOKEN are set. */
async function inSipd(script: string): Promise<string> {
  const [cmd, ...args] = compose;
  const { stdout } = await run(cmd, [...args, "exec", "-T", "sipd", "node", "-e", script], {
    timeout: 30_000,
  });
  return stdout;
}

const fetchLocal = (path: string, init = "{}") => `
  const port = process.env.RPC_LISTEN.split(":").pop();
  const headers = process.env.RPC_TOKEN ? { authorization: "Bearer " + process.env.RPC_TOKEN } : {};
  const init = ${init};
  fetch("http://127.0.0.1:" + port + ${JSON.stringify(path)}, { ...init, headers: { ...headers, ...init.headers } })
    .then(async (r) => { console.log(JSON.stringify({ status: r.status, type: r.headers.get("content-type"), body: await r.text() })); })`;

async function sipdGet(path: string, init?: object) {
  const out = await inSipd(fetchLocal(path, init ? JSON.stringify(init) : undefined));
  return JSON.parse(out) as { status: number; type: string | null; body: string };
}

describe("the compose stack, from the host", () => {
  it("registers a seeded subscriber over UDP through the published port", () => register("u1"));

  it("registers a seeded subscriber over TCP through the published port", () => register("t1"));

  it("sipd holds the registered contact (ul.dump over RPC inside the container)", async () => {
    const res = await sipdGet("/RPC", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ul.dump" }),
    });
    assert.equal(res.status, 200, res.body);
    const { result } = JSON.parse(res.body);
    const dump = JSON.stringify(result);
    assert.match(dump, new RegExp(`"${subscriber}(@${domain})?"`), `AoR ${subscriber} missing: ${dump}`);
  });

  it("sipd answers /health and /metrics", async () => {
    const health = await sipdGet("/health");
    assert.equal(health.status, 200, health.body);
    const metrics = await sipdGet("/metrics");
    assert.equal(metrics.status, 200, metrics.body);
    assert.match(metrics.type ?? "", /^text\/plain/);
    assert.match(metrics.body, /^# TYPE /m);
  });

  it("logs into the console with the admin printed by migrate", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${webUrl}/login`);
      await page.getByLabel(/user ?name/i).fill(env("SMOKE_ADMIN_USER"));
      await page.getByLabel(/password/i).fill(env("SMOKE_ADMIN_PASSWORD"));
      await page.getByRole("button", { name: /sign in|log ?in/i }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 20_000 });
      await page.getByRole("button", { name: /sign out|log ?out/i }).waitFor({ timeout: 20_000 });
    } finally {
      await browser.close();
    }
  });
});
