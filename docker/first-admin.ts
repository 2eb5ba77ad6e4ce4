/**
 * Last step of the `migrate` role (docker/entrypoint.sh): creates the first console admin when the
 * database has none and prints its password once, as `npm start` does. Operators read it with
 * `docker compose logs migrate`; later runs find the admin and print nothing secret.
 */
import { loadConfig, runCli } from "@switchboard/config";
import { createDb } from "@switchboard/db";

// The console owns admin accounts; the path is resolved at run time, as in scripts/start.ts.
const firstAdminModule = new URL("../apps/web/src/server/auth/first-admin.ts", import.meta.url).pathname;

await runCli(async () => {
  const { database } = loadConfig();
  const { ensureFirstAdmin } = await import(firstAdminModule);
  const handle = createDb(database.url);
  try {
    const admin = await ensureFirstAdmin(handle.db);
    if (admin) {
      console.log("\n  console admin created (shown once, change it after login):");
      console.log(`    username: ${admin.username}\n    password: ${admin.password}\n`);
    } else {
      console.log("console: an admin exists already (its password was printed when it was created)");
    }
  } finally {
    await handle.close();
  }
});
