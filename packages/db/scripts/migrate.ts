/**
 * `npm run db:migrate`: apply drizzle/ migrations to the configured database (DATABASE_URL or
 * switchboard.config.json database.url; otherwise the MariaDB the lifecycle module finds or starts).
 * Safe to run again, and on a database created by Kamailio's kamdbctl.
 */
import { loadConfig, runCli } from "@switchboard/config";
import { ensureDatabase } from "../src/lifecycle.ts";
import { runMigrations } from "../src/migrate.ts";

await runCli(async () => {
  const config = loadConfig();
  const database = await ensureDatabase({ url: config.database.url, log: (l) => console.log(l) });
  try {
    await runMigrations(database.url);
    console.log(`database: migrations applied (${redact(database.url)})`);
  } finally {
    await database.stop();
  }
});

/** The URL without its password, for the log line. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
