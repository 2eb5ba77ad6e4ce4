/**
 * Bulk data for benchmarks: multi-row INSERTs in batches (one round trip per few thousand rows),
 * which loads a million rows in well under a minute where row-by-row inserts would take an hour.
 */
import { subscriberHashes } from "@switchboard/db";
import type { Pool } from "mysql2/promise";
import { DOMAIN } from "../../apps/sipd/src/testing/harness.ts";

export type SqlValue = string | number | null;

/**
 * Inserts the rows `make(i)` for i in [0, count) into `table`, `batch` rows per statement, with up
 * to `parallel` statements in flight. Returns the number of rows inserted.
 */
export async function bulkInsert(
  pool: Pool,
  table: string,
  columns: readonly string[],
  count: number,
  make: (i: number) => SqlValue[],
  opts: { batch?: number; parallel?: number; onProgress?: (done: number) => void } = {},
): Promise<number> {
  const batch = opts.batch ?? 5000;
  const parallel = opts.parallel ?? 2;
  const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES ?`;
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < count) {
      const from = next;
      const to = Math.min(count, from + batch);
      next = to;
      const rows: SqlValue[][] = [];
      for (let i = from; i < to; i++) rows.push(make(i));
      await pool.query(head, [rows]);
      done += rows.length;
      opts.onProgress?.(done);
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return done;
}

/** Bench subscriber names: a fixed prefix plus a zero-padded number, so searches by prefix are realistic. */
export const benchUser = (i: number) => `b${String(i).padStart(7, "0")}`;
/** The password of benchUser(i), following the demo convention "<user>-pass". */
export const benchPassword = (user: string) => `${user}-pass`;

/** `count` subscribers benchUser(0..count-1) in DOMAIN, with clear-text password, ha1 and ha1b. */
export function insertSubscribers(pool: Pool, count: number, first = 0): Promise<number> {
  return bulkInsert(pool, "subscriber", ["username", "domain", "password", "ha1", "ha1b"], count, (i) => {
    const user = benchUser(first + i);
    const password = benchPassword(user);
    const { ha1, ha1b } = subscriberHashes(user, DOMAIN, password);
    return [user, DOMAIN, password, ha1, ha1b];
  });
}
