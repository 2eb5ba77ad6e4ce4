/**
 * Last step of the `migrate` role (docker/entrypoint.sh), once the schema is in place:
 *   - the first console admin, created when there is none, its password printed once as `npm start`
 *     does (operators read it with `docker compose logs migrate`);
 *   - the compose project's sipd as the console's node `sipd` (SIPD_RPC_URL with RPC_TOKEN), updated on
 *     every run so a changed token reaches the console too. Other nodes are left alone.
 */
import { loadConfig, runCli } from "@switchboard/config";
import { createDb, sbNode } from "@switchboard/db";
import { ensureFirstAdmin } from "../apps/web/src/server/auth/first-admin.ts";

await runCli(async () => {
  const config = loadConfig();
  const handle = createDb(config.database.url);
  try {
    const admin = await ensureFirstAdmin(handle.db);
    if (admin) {
      console.log("\n  console admin created (shown once, change it after login):");
      console.log(`    username: ${admin.username}\n    password: ${admin.password}\n`);
    } else {
      console.log("console: an admin exists already (its password was printed when it was created)");
    }

    const url = process.env.SIPD_RPC_URL;
    if (url) {
      const node = {
        url,
        token: config.rpc.token,
        protocol: "jsonrpc",
        kind: "sipd",
        enabled: true,
      } as const;
      await handle.db
        .insert(sbNode)
        .values({ name: "sipd", ...node })
        .onDuplicateKeyUpdate({ set: node });
      console.log(`console: node sipd at ${url}`);
    }
  } finally {
    await handle.close();
  }
});
