/**
 * The README's start command (after scripts/start.sh has installed and built what was missing):
 * database (found or started), migrations, demo data on first run, the first console admin,
 * then sipd and the console as child processes. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, runCli } from "@switchboard/config";
import { createDb, sbNode } from "@switchboard/db";
import { ensureDatabase } from "@switchboard/db/lifecycle";
import { runMigrations } from "@switchboard/db/migrate";
import { seedDemo } from "@switchboard/db/seed";

const root = new URL("..", import.meta.url).pathname;
const children: ChildProcess[] = [];

await runCli(async () => {
  const config = loadConfig();
  const db = await ensureDatabase({ url: config.database.url, log: (l) => console.log(l) });
  const stopAll = async (code: number) => {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode === null ? c.once("exit", r) : r(null)))),
    );
    await db.stop();
    process.exit(code);
  };
  process.once("SIGINT", () => void stopAll(0));
  process.once("SIGTERM", () => void stopAll(0));

  await runMigrations(db.url);
  const handle = createDb(db.url);
  const seeded = await seedDemo(handle.db, {
    domain: config.sip.domain,
    storePlaintext: config.features.storePlaintextPw,
  });
  if (seeded.created) console.log(`database: demo data loaded (domain ${config.sip.domain})`);

  const firstAdminModule = join(root, "apps/web/src/server/auth/first-admin.ts");
  if (existsSync(firstAdminModule)) {
    const { ensureFirstAdmin } = await import(firstAdminModule);
    const admin = await ensureFirstAdmin(handle.db);
    if (admin) {
      console.log("\n  console admin created (shown once, change it after login):");
      console.log(`    username: ${admin.username}\n    password: ${admin.password}\n`);
    }
  }
  // The bundled sipd is the console's first node (an operator adds Kamailio nodes in the console).
  if ((await handle.db.select({ id: sbNode.id }).from(sbNode).limit(1)).length === 0)
    await handle.db.insert(sbNode).values({
      name: "local",
      url: `http://${config.rpc.listen}/RPC`,
      protocol: "jsonrpc",
      token: config.rpc.token,
      kind: "sipd",
    });
  await handle.close();

  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    WEB_PORT: String(config.web.port),
    WEB_HOST: config.web.host,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const launch = (name: string, cmd: string, args: string[]) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: "inherit" });
    child.once("exit", (code) => {
      console.error(`${name} exited (${code}); stopping`);
      void stopAll(code ?? 1);
    });
    children.push(child);
  };
  if (existsSync(join(root, "apps/sipd/src/main.ts"))) {
    launch("sipd", "node", ["--import", "tsx", "apps/sipd/src/main.ts"]);
    console.log(`sipd: SIP on ${config.sip.listen.join(", ")}; RPC on http://${config.rpc.listen}/RPC`);
  }
  if (existsSync(join(root, "apps/web/app"))) {
    launch("console", "npm", ["run", "start", "-w", "@switchboard/web"]);
    console.log(`console: http://localhost:${config.web.port}`);
  }
  if (children.length === 0) await stopAll(0);
});
