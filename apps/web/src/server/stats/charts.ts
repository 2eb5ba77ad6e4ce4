/**
 * The chart aggregations, all done in SQL with GROUP BY on time buckets:
 * - answered calls, durations, top callers/callees: `cdrs` (call_start_time is indexed);
 * - failed calls and INVITE replies by code: the INVITE rows of `acc` and `missed_calls` together,
 *   each call counted once by Call-ID. The default kamailio.cfg accounts answered INVITEs in acc
 *   (FLT_ACC) and failed INVITEs to local users in missed_calls (FLT_ACCMISSED) only; a script that
 *   also sets FLT_ACCFAILED on INVITEs puts failures in acc as well. Neither table has a time
 *   index, so that one scan, grouped by bucket and code, is shared by the charts needing it (memo.ts);
 * - SIP load, memory, registered users/contacts: `statistics` (one sample per interval, time_stamp
 *   indexed; diffs are requests per interval).
 */
import { acc, cdrs, type Db, missedCalls, statistics } from "@switchboard/db";
import { and, count, desc, gte, lte, type SQL, sql } from "drizzle-orm";
import type { MySqlColumn } from "drizzle-orm/mysql-core";
import type { Bucket } from "../../shared/schemas/stats";
import {
  bucketKeySql,
  bucketKeys,
  onBuckets,
  type Range,
  rangeText,
  rangeUnix,
  unixBucketSql,
} from "./buckets";
import { memo } from "./memo";

export interface TimeSeries<K extends string> {
  bucket: Bucket;
  keys: string[];
  series: Record<K, (number | null)[]>;
}

const n = (v: unknown) => Number(v ?? 0);
const rangeKey = (r: Range) => `${r.from.getTime()}:${r.to.getTime()}:${r.bucket}`;

function cdrsInRange(r: Range): SQL | undefined {
  const t = rangeText(r);
  return and(gte(cdrs.callStartTime, t.from), lte(cdrs.callStartTime, t.to));
}

/** Answered calls per bucket with their summed duration. */
function answeredByBucket(db: Db, r: Range) {
  const key = bucketKeySql(cdrs.callStartTime, r.bucket);
  return memo(db, `answered:${rangeKey(r)}`, 10_000, async () => {
    const rows = await db
      .select({ key, calls: count(), seconds: sql<number>`SUM(${cdrs.duration})` })
      .from(cdrs)
      .where(cdrsInRange(r))
      .groupBy(key);
    return new Map(rows.map((x) => [x.key, { calls: n(x.calls), seconds: n(x.seconds) }]));
  });
}

/** INVITE final replies per bucket and code from acc + missed_calls, calls counted once (shared). */
function invitesByBucketAndCode(db: Db, r: Range) {
  const t = rangeText(r);
  const part = (table: typeof acc | typeof missedCalls) =>
    sql`SELECT ${bucketKeySql(table.time, r.bucket)} AS k, ${table.sipCode} AS code, ${table.callid} AS callid
        FROM ${table} WHERE ${table.time} >= ${t.from} AND ${table.time} <= ${t.to} AND ${table.method} = 'INVITE'`;
  return memo(db, `invites:${rangeKey(r)}`, 10_000, async () => {
    const [rows] = await db.execute(
      sql`SELECT k, code, COUNT(DISTINCT callid) AS n FROM (${part(acc)} UNION ALL ${part(missedCalls)}) calls
          GROUP BY k, code`,
    );
    return (rows as unknown as { k: string; code: string; n: number }[]).map((x) => ({
      key: x.k,
      code: x.code,
      n: n(x.n),
    }));
  });
}

/** Failed calls: INVITEs with a final reply of 300 or above. */
const isFailure = (code: string) => /^[3-6]\d\d$/.test(code);

async function failedByBucket(db: Db, r: Range): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const row of await invitesByBucketAndCode(db, r))
    if (isFailure(row.code)) out.set(row.key, (out.get(row.key) ?? 0) + row.n);
  return out;
}

export async function callsChart(db: Db, r: Range): Promise<TimeSeries<"answered" | "failed">> {
  const keys = bucketKeys(r);
  const [answered, failed] = await Promise.all([answeredByBucket(db, r), failedByBucket(db, r)]);
  return {
    bucket: r.bucket,
    keys,
    series: {
      answered: keys.map((k) => answered.get(k)?.calls ?? 0),
      failed: onBuckets(keys, failed, 0),
    },
  };
}

/**
 * ASR = answered / (answered + failed) in percent; ACD = mean duration of answered calls in
 * seconds. A bucket without calls has neither (null, a gap in the line).
 */
export async function asrAcdChart(db: Db, r: Range): Promise<TimeSeries<"asr" | "acd">> {
  const keys = bucketKeys(r);
  const [answered, failed] = await Promise.all([answeredByBucket(db, r), failedByBucket(db, r)]);
  const asr: (number | null)[] = [];
  const acd: (number | null)[] = [];
  for (const k of keys) {
    const a = answered.get(k) ?? { calls: 0, seconds: 0 };
    const attempts = a.calls + (failed.get(k) ?? 0);
    asr.push(attempts ? Math.round((1000 * a.calls) / attempts) / 10 : null);
    acd.push(a.calls ? Math.round((10 * a.seconds) / a.calls) / 10 : null);
  }
  return { bucket: r.bucket, keys, series: { asr, acd } };
}

/** Duration classes of the histogram: [label, lower bound in seconds]. */
export const DURATION_CLASSES: [string, number][] = [
  ["< 10 s", 0],
  ["10–30 s", 10],
  ["30–60 s", 30],
  ["1–2 min", 60],
  ["2–5 min", 120],
  ["5–10 min", 300],
  ["10–30 min", 600],
  ["≥ 30 min", 1800],
];

export async function durationHistogram(db: Db, r: Range) {
  // CASE picks the highest class whose bound the duration reaches.
  const cls = sql<number>`CASE ${sql.join(
    DURATION_CLASSES.map((_, i) => i)
      .reverse()
      .map((i) => sql`WHEN ${cdrs.duration} >= ${DURATION_CLASSES[i][1]} THEN ${i}`),
    sql` `,
  )} END`;
  const rows = await db.select({ cls, n: count() }).from(cdrs).where(cdrsInRange(r)).groupBy(cls);
  const counts = DURATION_CLASSES.map(() => 0);
  for (const row of rows) counts[n(row.cls)] = n(row.n);
  return { labels: DURATION_CLASSES.map(([l]) => l), counts };
}

/** The `limit` users with most answered calls in the range, with their talk time. */
export async function topUsers(db: Db, r: Range, side: "caller" | "callee", limit: number) {
  const user: MySqlColumn = side === "caller" ? cdrs.srcUsername : cdrs.dstUsername;
  const calls = count();
  const rows = await db
    .select({ user, calls, seconds: sql<number>`SUM(${cdrs.duration})` })
    .from(cdrs)
    .where(cdrsInRange(r))
    .groupBy(user)
    .orderBy(desc(calls), user)
    .limit(limit);
  return rows.map((x) => ({ user: String(x.user), calls: n(x.calls), seconds: n(x.seconds) }));
}

/** Final replies to INVITEs in the range by code, most frequent first. */
export async function inviteReplies(db: Db, r: Range) {
  const byCode = new Map<string, number>();
  for (const row of await invitesByBucketAndCode(db, r))
    byCode.set(row.code, (byCode.get(row.code) ?? 0) + row.n);
  return [...byCode]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** `statistics` columns aggregated per bucket; buckets without samples are null. */
async function statisticsSeries<K extends string>(
  db: Db,
  r: Range,
  columns: Record<K, SQL<number>>,
): Promise<TimeSeries<K>> {
  const keys = bucketKeys(r);
  const { expr, toKey } = unixBucketSql(statistics.timeStamp, r);
  const u = rangeUnix(r);
  const rows = await db
    .select({ start: expr, ...columns } as Record<string, SQL<number>>)
    .from(statistics)
    .where(and(gte(statistics.timeStamp, u.from), lte(statistics.timeStamp, u.to)))
    .groupBy(expr);
  const names = Object.keys(columns) as K[];
  const byKey = new Map(rows.map((row) => [toKey(n(row.start)), row]));
  const series = {} as Record<K, (number | null)[]>;
  for (const name of names) {
    series[name] = keys.map((k) => {
      const row = byKey.get(k);
      return row && row[name] !== null ? Math.round(n(row[name])) : null;
    });
  }
  return { bucket: r.bucket, keys, series };
}

/** Received and forwarded requests per bucket (sums of the per-interval diffs). */
export const sipLoadChart = (db: Db, r: Range) =>
  statisticsSeries(db, r, {
    rcv: sql<number>`SUM(${statistics.rcvReqDiff})`,
    fwd: sql<number>`SUM(${statistics.fwdReqDiff})`,
  });

/** Shared memory in bytes: mean used / real used / free per bucket, and the peak so far. */
export const memoryChart = (db: Db, r: Range) =>
  statisticsSeries(db, r, {
    used: sql<number>`AVG(${statistics.shmUsedSize})`,
    realUsed: sql<number>`AVG(${statistics.shmRealUsedSize})`,
    maxUsed: sql<number>`MAX(${statistics.shmMaxUsedSize})`,
    free: sql<number>`AVG(${statistics.shmFreeUsedSize})`,
  });

/** Registered users and contacts: the highest sample of each bucket. */
export const registeredChart = (db: Db, r: Range) =>
  statisticsSeries(db, r, {
    users: sql<number>`MAX(${statistics.ulUsers})`,
    contacts: sql<number>`MAX(${statistics.ulContacts})`,
  });
