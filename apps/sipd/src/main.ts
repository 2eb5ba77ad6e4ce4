/**
 * `npm run sipd`: config -> database (lifecycle) -> Kamailio table versions checked -> sipd.
 * SIGTERM/SIGINT drain transactions and flush contacts and accounting before exiting.
 */
import { loadConfig, runCli } from "@switchboard/config";
import { createDb, KAMAILIO_TABLE_VERSIONS, version } from "@switchboard/db";
import { ensureDatabase } from "@switchboard/db/lifecycle";
import { sql } from "drizzle-orm";
import { Logger } from "./log.ts";
import { Sipd } from "./server.ts";

/** Tables sipd reads, with the version Kamailio's modules require (they refuse to start otherwise). */
const REQUIRED_TABLES = [
  "subscriber",
  "location",
  "dispatcher",
  "dialplan",
  "address",
  "trusted",
  "grp",
  "dbaliases",
  "speed_dial",
  "domain",
  "acc",
  "missed_calls",
  "htable",
] as const;

await runCli(async () => {
  const config = loadConfig();
  const log = new Logger(
    config.log.level,
    config.log.format === "json" || (config.log.format === "auto" && !process.stdout.isTTY),
  );
  let handle: ReturnType<typeof createDb> | undefined;
  let stopDb = async () => {};
  if (config.features.withMysql) {
    const dbh = await ensureDatabase({ url: config.database.url, log: (l) => log.info(l) });
    stopDb = dbh.stop;
    handle = createDb(dbh.url);
    const rows = await handle.db.select().from(version);
    const have = new Map(rows.map((r) => [r.tableName, r.tableVersion]));
    for (const t of REQUIRED_TABLES) {
      const want = KAMAILIO_TABLE_VERSIONS[t];
      if (have.get(t) !== want)
        throw new Error(
          `table ${t}: version ${have.get(t) ?? "missing"} in the version table, sipd needs ${want} (run npm run db:migrate)`,
        );
    }
  }
  const db = handle?.db;
  const sipd = new Sipd({
    config,
    db,
    log,
    dbPing: db ? () => db.execute(sql`SELECT 1`).then(() => true) : undefined,
  });
  // Last line of defence: a bug on one message's path is logged, it does not end the server.
  process.on("unhandledRejection", (err) => log.error("unhandled rejection", { error: String(err) }));
  await sipd.start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    await sipd.stop(Number(process.env.SIPD_DRAIN_MS ?? 5000));
    await handle?.close();
    await stopDb();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
});
