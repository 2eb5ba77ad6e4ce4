/**
 * `npm run db:seed`: load the demo data (see src/seed.ts) into the configured database, migrating it
 * first. Does nothing on a database that already holds subscribers, domains, dispatchers or accounting.
 */
import { loadConfig, runCli } from "@switchboard/config";
import { createDb } from "../src/index.ts";
import { ensureDatabase } from "../src/lifecycle.ts";
import { runMigrations } from "../src/migrate.ts";
import { DEMO_USERS, seedDemo } from "../src/seed.ts";

await runCli(async () => {
  const config = loadConfig();
  const database = await ensureDatabase({ url: config.database.url, log: (l) => console.log(l) });
  try {
    await runMigrations(database.url);
    const handle = createDb(database.url);
    try {
      const { created } = await seedDemo(handle.db, {
        domain: config.sip.domain,
        storePlaintext: config.features.storePlaintextPw,
      });
      console.log(
        created
          ? `database: demo data loaded for ${config.sip.domain}: ${DEMO_USERS.length} subscribers ` +
              `(${DEMO_USERS.slice(0, 3).join(", ")}, …, ${DEMO_USERS.at(-1)}), password "<username>-pass"`
          : "database: not empty (subscribers, domains, dispatchers or accounting present): demo data not loaded",
      );
    } finally {
      await handle.close();
    }
  } finally {
    await database.stop();
  }
});
