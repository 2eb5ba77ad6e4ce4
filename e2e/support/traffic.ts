/**
 * Demo traffic for the accounting, CDR and chart specs: the demo seed (a week of acc, missed_calls,
 * cdrs and statistics ending now) on the e2e database, loaded once by whichever spec asks first.
 */
import { createDb } from "@switchboard/db";
import { seedDemo } from "@switchboard/db/seed";

export const DEMO_DOMAIN = "switchboard.local";

export async function ensureDemoTraffic(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("e2e: DATABASE_URL is not set");
  const handle = createDb(url, { connectionLimit: 1 });
  try {
    const [rows] = (await handle.pool.query("SELECT EXISTS(SELECT 1 FROM cdrs) AS n")) as unknown as [
      { n: number }[],
    ];
    if (Number(rows[0].n)) return;
    const { created } = await seedDemo(handle.db, { domain: DEMO_DOMAIN, storePlaintext: false });
    if (!created)
      throw new Error(
        "e2e: cdrs is empty but the database holds other data, so the demo seed declined; run on a fresh database",
      );
  } finally {
    await handle.close();
  }
}
