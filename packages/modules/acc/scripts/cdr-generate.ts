/**
 * `npm run cdr:generate`: the catch-up CDR job (what Siremis runs from an rtimer route every 300 s),
 * usable from cron or by hand. Builds CDRs from acc rows not examined yet and rates them, printing
 * progress; safe to run while sipd generates CDRs too (runs are serialized by a database lock).
 *
 *   npm run cdr:generate                       new acc rows only
 *   npm run cdr:generate -- --since 0          re-examine every acc row without a CDR
 *   npm run cdr:generate -- --rerate           also rate every CDR again (after billing_rates changed)
 *   npm run cdr:generate -- --rate-group gold  rate with another billing_rates group
 *   npm run cdr:generate -- --no-rate          leave new CDRs unrated
 */
import { parseArgs } from "node:util";
import { loadConfig, runCli } from "@switchboard/config";
import { createDb } from "@switchboard/db";
import { ensureDatabase } from "@switchboard/db/lifecycle";
import { runMigrations } from "@switchboard/db/migrate";
import { generateCdrs } from "../cdr.ts";
import { rateCdrs } from "../rating.ts";

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      since: { type: "string" },
      "rate-group": { type: "string", default: "default" },
      rerate: { type: "boolean", default: false },
      "no-rate": { type: "boolean", default: false },
      batch: { type: "string", default: "1000" },
    },
  });
  const since = values.since === undefined ? undefined : Number(values.since);
  const batchSize = Number(values.batch);
  if (since !== undefined && !(Number.isInteger(since) && since >= 0))
    throw new Error(`--since expects an acc id (integer >= 0), got ${values.since}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`--batch expects a positive integer, got ${values.batch}`);
  const rateGroup = values["rate-group"];

  const config = loadConfig();
  const database = await ensureDatabase({ url: config.database.url, log: (l) => console.log(l) });
  try {
    await runMigrations(database.url);
    const handle = createDb(database.url);
    try {
      const started = Date.now();
      const res = await generateCdrs(handle.db, {
        since,
        batchSize,
        rate: values["no-rate"] ? false : { rateGroup },
        onProgress: (p) =>
          console.log(
            `cdr: examined ${p.examined} acc rows (up to id ${p.lastAccId}), ${p.cdrs} CDRs so far`,
          ),
      });
      console.log(
        `cdr: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${res.examined} acc rows examined, ` +
          `${res.cdrs} CDRs created, ${res.rated} rated, ${res.unmatched} without a matching rate`,
      );
      if (values.rerate) {
        const r = await rateCdrs(handle.db, {
          rateGroup,
          all: true,
          batchSize,
          onProgress: (p) => console.log(`rating: ${p.examined} CDRs rated again`),
        });
        console.log(`rating: ${r.examined} CDRs, ${r.rated} rated, ${r.unmatched} without a matching rate`);
      }
    } finally {
      await handle.close();
    }
  } finally {
    await database.stop();
  }
});
