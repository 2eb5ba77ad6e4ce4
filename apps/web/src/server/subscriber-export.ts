/**
 * CSV export of subscribers in the import format (username, domain, password, ha1, ha1b), read in
 * primary-key chunks so a million rows stream with flat memory and no sort.
 */
import { type Db, subscriber, subscriberCredentialColumns } from "@switchboard/db";
import { and, asc, eq, gt } from "drizzle-orm";
import { csvLine } from "./accounting/export";
import { prefixMatch } from "./list";

export const SUBSCRIBER_CSV_COLUMNS = ["username", "domain", "password", "ha1", "ha1b"] as const;
const CHUNK = 2000;

export async function* subscribersCsv(
  db: Db,
  filter: { search: string; domain: string },
  chunkRows = CHUNK,
): AsyncGenerator<string> {
  yield csvLine(SUBSCRIBER_CSV_COLUMNS);
  const where = and(
    filter.search ? prefixMatch(subscriber.username, filter.search) : undefined,
    filter.domain ? eq(subscriber.domain, filter.domain) : undefined,
  );
  let cursor = 0;
  for (;;) {
    const rows = await db
      .select(subscriberCredentialColumns)
      .from(subscriber)
      .where(and(where, gt(subscriber.id, cursor)))
      .orderBy(asc(subscriber.id))
      .limit(chunkRows);
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine(SUBSCRIBER_CSV_COLUMNS.map((c) => r[c]))).join("");
    cursor = rows[rows.length - 1].id;
    if (rows.length < chunkRows) return;
  }
}
