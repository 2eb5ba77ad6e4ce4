/**
 * Time buckets of the charts, in the console's local time (the wall-clock time Kamailio writes into
 * DATETIME columns, see @switchboard/db datetime.ts). A bucket is named by the local time it starts
 * at, "YYYY-MM-DD HH:MM"; SQL and JS produce the same names, so rows from GROUP BY land on the
 * series JS lays out, and empty buckets show as 0 (counts) or a gap (samples).
 */
import { toSqlDateTime } from "@switchboard/db";
import { type SQL, sql } from "drizzle-orm";
import type { MySqlColumn } from "drizzle-orm/mysql-core";
import { type Bucket, MAX_RANGE_DAYS, RANGE_PRESETS, type RangePreset } from "../../shared/schemas/stats";
import { fieldError } from "../errors";
import { localBound } from "../routers/audit";

export interface Range {
  from: Date;
  to: Date;
  bucket: Bucket;
}

const BUCKET_SECONDS: Record<Bucket, number> = { "5m": 300, "1h": 3600, "1d": 86_400 };

/** 5-minute buckets up to 6 hours (72 points), hourly up to 4 days (96), daily beyond. */
export function bucketFor(spanSeconds: number): Bucket {
  if (spanSeconds <= 6 * 3600) return "5m";
  if (spanSeconds <= 4 * 86_400) return "1h";
  return "1d";
}

/** The range of a chart input: the custom from/to when given (to defaults to now), else the preset. */
export function resolveRange(
  input: { range: RangePreset; from: string; to: string },
  now = new Date(),
): Range {
  const fromText = localBound(input.from, false);
  const toText = localBound(input.to, true);
  let from: Date;
  let to: Date;
  if (fromText) {
    from = parseLocal(fromText);
    to = toText ? parseLocal(toText) : now;
  } else {
    to = toText ? parseLocal(toText) : now;
    from = new Date(to.getTime() - RANGE_PRESETS[input.range] * 1000);
  }
  if (to <= from) throw fieldError("BAD_REQUEST", "to", "the end of the range is before its start");
  const span = (to.getTime() - from.getTime()) / 1000;
  if (span > MAX_RANGE_DAYS * 86_400)
    throw fieldError("BAD_REQUEST", "from", `a chart covers at most ${MAX_RANGE_DAYS} days`);
  return { from, to, bucket: bucketFor(span) };
}

function parseLocal(text: string): Date {
  const [d, t] = text.split(" ");
  const [y, mo, da] = d.split("-").map(Number);
  const [h, mi, s] = t.split(":").map(Number);
  return new Date(y, mo - 1, da, h, mi, Math.floor(s), text.endsWith(".999") ? 999 : 0);
}

/** The local start of the bucket holding `d`. */
export function bucketStart(d: Date, bucket: Bucket): Date {
  const b = new Date(d);
  b.setSeconds(0, 0);
  if (bucket === "5m") b.setMinutes(b.getMinutes() - (b.getMinutes() % 5));
  else b.setMinutes(0);
  if (bucket === "1d") b.setHours(0);
  return b;
}

/** A bucket's name: its local start time to the minute. */
export const bucketKey = (d: Date, bucket: Bucket) => toSqlDateTime(bucketStart(d, bucket)).slice(0, 16);

/** Every bucket name of the range, oldest first. */
export function bucketKeys(range: Range): string[] {
  const keys: string[] = [];
  const cur = bucketStart(range.from, range.bucket);
  while (cur <= range.to && keys.length < 2000) {
    const key = toSqlDateTime(cur).slice(0, 16);
    // A DST fall-back hour repeats a local name: keep it once.
    if (keys[keys.length - 1] !== key) keys.push(key);
    if (range.bucket === "1d") cur.setDate(cur.getDate() + 1);
    else cur.setTime(cur.getTime() + BUCKET_SECONDS[range.bucket] * 1000);
  }
  return keys;
}

/** SQL naming the bucket of a DATETIME column's local wall-clock value, like bucketKey(). */
export function bucketKeySql(col: MySqlColumn, bucket: Bucket): SQL<string> {
  if (bucket === "5m")
    return sql<string>`CONCAT(DATE_FORMAT(${col}, '%Y-%m-%d %H:'), LPAD(FLOOR(MINUTE(${col}) / 5) * 5, 2, '0'))`;
  if (bucket === "1h") return sql<string>`DATE_FORMAT(${col}, '%Y-%m-%d %H:00')`;
  return sql<string>`DATE_FORMAT(${col}, '%Y-%m-%d 00:00')`;
}

/**
 * SQL grouping a unix-time column into buckets: the bucket's start as unix time. 5-minute and hour
 * buckets start at the same instants in every zone with whole-quarter-hour offsets; day buckets
 * are shifted by the local UTC offset at the end of the range.
 */
export function unixBucketSql(
  col: MySqlColumn,
  range: Range,
): { expr: SQL<number>; toKey: (start: number) => string } {
  const size = BUCKET_SECONDS[range.bucket];
  const offset = range.bucket === "1d" ? -range.to.getTimezoneOffset() * 60 : 0;
  return {
    expr: sql<number>`FLOOR((${col} + ${offset}) / ${size}) * ${size} - ${offset}`,
    toKey: (start) => bucketKey(new Date(Number(start) * 1000), range.bucket),
  };
}

/** DATETIME text bounds of the range, for WHERE col >= from AND col <= to. */
export const rangeText = (r: Range) => ({ from: toSqlDateTime(r.from), to: toSqlDateTime(r.to) });

/** Unix-time bounds of the range. */
export const rangeUnix = (r: Range) => ({
  from: Math.floor(r.from.getTime() / 1000),
  to: Math.floor(r.to.getTime() / 1000),
});

/** Values keyed by bucket name laid onto the range's buckets; `missing` fills the empty ones. */
export function onBuckets<T>(keys: string[], values: Map<string, T>, missing: T): T[] {
  return keys.map((k) => values.get(k) ?? missing);
}
