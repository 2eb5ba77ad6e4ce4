/**
 * CDR rating with `billing_rates` (Siremis's rating engine, without its stored procedure).
 *
 * A CDR is rated against the rates of one rate group: the row whose `prefix` is the longest prefix of
 * the CDR's `dst_username` (the R-URI user after routing) wins; an empty prefix is the group's
 * catch-all. cost = rate_unit * ceil(duration / time_unit), i.e. rate_unit is charged per started
 * time_unit seconds (Siremis: 65 s at 10 per 60 s = 20). A time_unit <= 0 charges rate_unit once per call.
 *
 * `cdrs.rated`: 0 = not rated yet, 1 = rated, -1 = no rate matched. Siremis leaves unmatched CDRs at 0
 * and re-reads them on every run; -1 keeps runs incremental, and rateCdrs({ all: true }) rates every
 * CDR again after the rates changed.
 */
import { billingRates, type Db } from "@switchboard/db";
import { sql } from "drizzle-orm";
import { rows } from "./sql.ts";

export interface Rate {
  rateGroup: string;
  prefix: string;
  rateUnit: number;
  timeUnit: number;
}

/** Rates indexed by group, then by prefix. */
export type RateTable = Map<string, Map<string, Rate>>;

export function buildRateTable(rates: Iterable<Rate>): RateTable {
  const t: RateTable = new Map();
  for (const r of rates) {
    let g = t.get(r.rateGroup);
    if (!g) {
      g = new Map();
      t.set(r.rateGroup, g);
    }
    g.set(r.prefix, r);
  }
  return t;
}

/** The rate with the longest prefix of `number` in `group` (the empty prefix matches everything). */
export function findRate(table: RateTable, group: string, number: string): Rate | undefined {
  const g = table.get(group);
  if (!g) return undefined;
  for (let n = number.length; n >= 0; n--) {
    const r = g.get(number.slice(0, n));
    if (r) return r;
  }
  return undefined;
}

/** rate_unit per started time_unit; a call of 0 s costs nothing. */
export function callCost(rate: Pick<Rate, "rateUnit" | "timeUnit">, durationSec: number): number {
  if (durationSec <= 0) return 0;
  if (rate.timeUnit <= 0) return rate.rateUnit;
  return rate.rateUnit * Math.ceil(durationSec / rate.timeUnit);
}

export async function loadRates(db: Db): Promise<RateTable> {
  const rows = await db
    .select({
      rateGroup: billingRates.rateGroup,
      prefix: billingRates.prefix,
      rateUnit: billingRates.rateUnit,
      timeUnit: billingRates.timeUnit,
    })
    .from(billingRates);
  return buildRateTable(rows);
}

export interface RatingOptions {
  /** Rate group used for every CDR (Siremis: kamailio_rating('default')). Default "default". */
  rateGroup?: string;
  /** Per-CDR rate group (e.g. by caller); overrides rateGroup. */
  rateGroupOf?: (cdr: RatableCdr) => string;
}

export interface RatableCdr {
  cdrId: number;
  srcUsername: string;
  srcDomain: string;
  dstUsername: string;
  duration: number;
}

export interface RatedCdr {
  cdrId: number;
  cost: number;
  rated: 1 | -1;
}

/** Pure: the cost and rated flag of each CDR. */
export function rateMany(
  table: RateTable,
  cdrs: readonly RatableCdr[],
  opts: RatingOptions = {},
): RatedCdr[] {
  const fixed = opts.rateGroup ?? "default";
  return cdrs.map((c) => {
    const rate = findRate(table, opts.rateGroupOf ? opts.rateGroupOf(c) : fixed, c.dstUsername);
    return rate
      ? { cdrId: c.cdrId, cost: callCost(rate, c.duration), rated: 1 }
      : { cdrId: c.cdrId, cost: 0, rated: -1 };
  });
}

/** One UPDATE for a batch: SET cost = CASE cdr_id ..., rated = CASE cdr_id ... WHERE cdr_id IN (...). */
export async function storeRatings(db: Db, rated: readonly RatedCdr[]): Promise<void> {
  if (rated.length === 0) return;
  const ids = sql.join(
    rated.map((r) => sql`${r.cdrId}`),
    sql`, `,
  );
  const cost = sql.join(
    rated.map((r) => sql`WHEN ${r.cdrId} THEN ${r.cost}`),
    sql` `,
  );
  const flag = sql.join(
    rated.map((r) => sql`WHEN ${r.cdrId} THEN ${r.rated}`),
    sql` `,
  );
  await db.execute(
    sql`UPDATE cdrs SET cost = CASE cdr_id ${cost} END, rated = CASE cdr_id ${flag} END WHERE cdr_id IN (${ids})`,
  );
}

export interface RateRunOptions extends RatingOptions {
  /** Rate every CDR again (after the rates changed), not only unrated ones. */
  all?: boolean;
  /** Rows per batch (default 1000). */
  batchSize?: number;
  onProgress?: (done: { examined: number; rated: number; unmatched: number }) => void;
}

export interface RateRunResult {
  examined: number;
  rated: number;
  unmatched: number;
}

/**
 * Catch-up rating of CDRs that are not rated yet (rated = 0), or of all CDRs with `all`.
 * Incremental like CDR generation: new CDRs are rated as they are generated, so unrated ones only sit
 * after the last rated CDR; the scan starts a little before it (see generateCdrs for why the overlap).
 */
export async function rateCdrs(db: Db, opts: RateRunOptions = {}): Promise<RateRunResult> {
  const table = await loadRates(db);
  const batch = Math.max(1, opts.batchSize ?? 1000);
  const res: RateRunResult = { examined: 0, rated: 0, unmatched: 0 };
  let cursor = 0;
  if (!opts.all) {
    const [last] = await rows<{ id: number }>(
      db,
      sql`SELECT cdr_id AS id FROM cdrs WHERE rated <> 0 ORDER BY cdr_id DESC LIMIT 1`,
    );
    cursor = Math.max(0, Number(last?.id ?? 0) - batch);
  }
  for (;;) {
    const cdrs = await rows<RatableCdr>(
      db,
      sql`SELECT cdr_id AS cdrId, src_username AS srcUsername, src_domain AS srcDomain,
            dst_username AS dstUsername, duration
          FROM cdrs WHERE cdr_id > ${cursor} ${opts.all ? sql`` : sql`AND rated = 0`}
          ORDER BY cdr_id LIMIT ${batch}`,
    );
    if (cdrs.length === 0) break;
    const rated = rateMany(
      table,
      cdrs.map((c) => ({ ...c, cdrId: Number(c.cdrId), duration: Number(c.duration) })),
      opts,
    );
    await storeRatings(db, rated);
    res.examined += rated.length;
    for (const r of rated) r.rated === 1 ? res.rated++ : res.unmatched++;
    opts.onProgress?.({ ...res });
    cursor = Number(cdrs[cdrs.length - 1].cdrId);
    if (cdrs.length < batch) break;
  }
  return res;
}
