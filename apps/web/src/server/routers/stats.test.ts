import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { acc, cdrs, missedCalls, statistics, toSqlDateTime } from "@switchboard/db";
import { seedDemo } from "@switchboard/db/seed";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { bucketFor, bucketKeys, resolveRange } from "../stats/buckets";
import { callerFor } from "../testing";

/** Unix time of a local wall-clock time, as the statistics sampler writes it. */
const unix = (y: number, mo: number, d: number, h: number, mi: number) =>
  Math.floor(new Date(y, mo - 1, d, h, mi).getTime() / 1000);

const cdr = (start: string, duration: number, src: string, dst: string) => ({
  callStartTime: start,
  duration,
  srcUsername: src,
  dstUsername: dst,
  dstOusername: dst,
  sipCallId: `${start}-${src}-${dst}`,
  created: start,
});
const invite = (time: string, sipCode: string) => ({
  method: "INVITE",
  time,
  sipCode,
  callid: `${time}-${sipCode}`,
});

/** Every bucket's value that is not `empty`, by bucket name. */
function nonEmpty<T>(keys: string[], values: T[], empty: T): Record<string, T> {
  const out: Record<string, T> = {};
  keys.forEach((k, i) => {
    if (values[i] !== empty) out[k] = values[i];
  });
  return out;
}

describe("chart aggregations on a small hand-computed fixture", () => {
  let t: TestDatabase;
  // Two whole days: hourly buckets.
  const twoDays = { from: "2026-02-01", to: "2026-02-02" };

  before(async () => {
    t = await createTestDatabase();
    await t.db
      .insert(cdrs)
      .values([
        cdr("2026-02-01 10:05:00", 30, "alice", "bob"),
        cdr("2026-02-01 10:40:00", 90, "alice", "+4930"),
        cdr("2026-02-01 11:15:00", 700, "bob", "alice"),
        cdr("2026-02-02 09:00:00", 5, "carol", "bob"),
        cdr("2026-01-31 23:59:59", 100, "dave", "erin"),
        cdr("2026-02-03 00:00:00", 100, "dave", "erin"),
      ]);
    await t.db.insert(acc).values([
      invite("2026-02-01 10:05:00", "200"),
      invite("2026-02-01 10:40:00", "200"),
      invite("2026-02-01 11:15:00", "200"),
      invite("2026-02-02 09:00:00", "200"),
      // Failures in acc (a script that sets FLT_ACCFAILED on INVITEs) ...
      invite("2026-02-01 10:20:00", "486"),
      invite("2026-02-01 10:50:00", "487"),
      invite("2026-02-02 09:30:00", "486"),
      { method: "BYE", time: "2026-02-01 10:06:00", sipCode: "200", callid: "bye" },
    ]);
    // ... and in missed_calls (FLT_ACCMISSED, the default kamailio.cfg): a call in both counts once.
    await t.db
      .insert(missedCalls)
      .values([
        invite("2026-02-01 10:20:00", "486"),
        invite("2026-02-01 13:00:00", "404"),
        invite("2026-02-02 09:30:00", "486"),
        invite("2026-02-04 09:30:00", "486"),
      ]);
    const sample = (ts: number, rcv: number, fwd: number, users: number, used: number) => ({
      timeStamp: ts,
      rcvReqDiff: rcv,
      fwdReqDiff: fwd,
      ulUsers: users,
      ulContacts: users * 2,
      shmUsedSize: used,
      shmRealUsedSize: used + 10,
      shmMaxUsedSize: used + 100,
      shmFreeUsedSize: 1000 - used,
    });
    await t.db
      .insert(statistics)
      .values([
        sample(unix(2026, 2, 1, 10, 0), 10, 1, 3, 100),
        sample(unix(2026, 2, 1, 10, 5), 20, 2, 5, 200),
        sample(unix(2026, 2, 1, 10, 10), 30, 3, 4, 300),
        sample(unix(2026, 2, 1, 11, 0), 5, 4, 2, 50),
        sample(unix(2026, 2, 5, 11, 0), 99, 99, 99, 99),
      ]);
  });
  after(() => t.drop());

  test("calls per hour: answered from cdrs, failed from acc + missed_calls INVITEs >= 300, once per call", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const res = await caller.stats.calls(twoDays);
    assert.equal(res.bucket, "1h");
    assert.equal(res.keys.length, 48);
    assert.equal(res.keys[0], "2026-02-01 00:00");
    assert.equal(res.keys[47], "2026-02-02 23:00");
    assert.deepEqual(nonEmpty(res.keys, res.series.answered, 0), {
      "2026-02-01 10:00": 2,
      "2026-02-01 11:00": 1,
      "2026-02-02 09:00": 1,
    });
    assert.deepEqual(nonEmpty(res.keys, res.series.failed, 0), {
      "2026-02-01 10:00": 2,
      "2026-02-01 13:00": 1,
      "2026-02-02 09:00": 1,
    });
  });

  test("ASR in percent and ACD in seconds per hour; hours without calls have neither", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const res = await caller.stats.asrAcd(twoDays);
    assert.deepEqual(nonEmpty(res.keys, res.series.asr, null), {
      "2026-02-01 10:00": 50,
      "2026-02-01 11:00": 100,
      "2026-02-01 13:00": 0,
      "2026-02-02 09:00": 50,
    });
    assert.deepEqual(nonEmpty(res.keys, res.series.acd, null), {
      "2026-02-01 10:00": 60,
      "2026-02-01 11:00": 700,
      "2026-02-02 09:00": 5,
    });
  });

  test("daily buckets for a week", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const res = await caller.stats.calls({ from: "2026-01-29", to: "2026-02-04" });
    assert.equal(res.bucket, "1d");
    assert.equal(res.keys.length, 7);
    assert.deepEqual(nonEmpty(res.keys, res.series.answered, 0), {
      "2026-01-31 00:00": 1,
      "2026-02-01 00:00": 3,
      "2026-02-02 00:00": 1,
      "2026-02-03 00:00": 1,
    });
    assert.deepEqual(nonEmpty(res.keys, res.series.failed, 0), {
      "2026-02-01 00:00": 3,
      "2026-02-02 00:00": 1,
      "2026-02-04 00:00": 1,
    });
    const load = await caller.stats.sipLoad({ from: "2026-01-29", to: "2026-02-04" });
    assert.deepEqual(nonEmpty(load.keys, load.series.rcv, null), { "2026-02-01 00:00": 65 });
  });

  test("duration histogram: each answered call in the class its duration reaches", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const res = await caller.stats.durations(twoDays);
    assert.deepEqual(res.labels, [
      "< 10 s",
      "10–30 s",
      "30–60 s",
      "1–2 min",
      "2–5 min",
      "5–10 min",
      "10–30 min",
      "≥ 30 min",
    ]);
    assert.deepEqual(res.counts, [1, 0, 1, 1, 0, 0, 1, 0]);
  });

  test("top callers and callees by answered calls, then talk time", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    assert.deepEqual(await caller.stats.topCallers(twoDays), [
      { user: "alice", calls: 2, seconds: 120 },
      { user: "bob", calls: 1, seconds: 700 },
      { user: "carol", calls: 1, seconds: 5 },
    ]);
    assert.deepEqual(await caller.stats.topCallees({ ...twoDays, limit: 2 }), [
      { user: "bob", calls: 2, seconds: 35 },
      { user: "+4930", calls: 1, seconds: 90 },
    ]);
  });

  test("INVITE final replies by code, most frequent first", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    assert.deepEqual(await caller.stats.inviteReplies(twoDays), [
      { code: "200", count: 4 },
      { code: "486", count: 2 },
      { code: "404", count: 1 },
      { code: "487", count: 1 },
    ]);
  });

  test("statistics per hour: request sums, mean memory, highest registered counts; no sample is a gap", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const load = await caller.stats.sipLoad(twoDays);
    assert.deepEqual(nonEmpty(load.keys, load.series.rcv, null), {
      "2026-02-01 10:00": 60,
      "2026-02-01 11:00": 5,
    });
    assert.deepEqual(nonEmpty(load.keys, load.series.fwd, null), {
      "2026-02-01 10:00": 6,
      "2026-02-01 11:00": 4,
    });
    const mem = await caller.stats.memory(twoDays);
    assert.deepEqual(nonEmpty(mem.keys, mem.series.used, null), {
      "2026-02-01 10:00": 200,
      "2026-02-01 11:00": 50,
    });
    assert.deepEqual(nonEmpty(mem.keys, mem.series.maxUsed, null), {
      "2026-02-01 10:00": 400,
      "2026-02-01 11:00": 150,
    });
    assert.deepEqual(nonEmpty(mem.keys, mem.series.free, null), {
      "2026-02-01 10:00": 800,
      "2026-02-01 11:00": 950,
    });
    const reg = await caller.stats.registered(twoDays);
    assert.deepEqual(nonEmpty(reg.keys, reg.series.users, null), {
      "2026-02-01 10:00": 5,
      "2026-02-01 11:00": 2,
    });
    assert.deepEqual(nonEmpty(reg.keys, reg.series.contacts, null), {
      "2026-02-01 10:00": 10,
      "2026-02-01 11:00": 4,
    });
  });

  test("five-minute buckets for a short range", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const range = { from: "2026-02-01T10:00", to: "2026-02-01T10:14" };
    const load = await caller.stats.sipLoad(range);
    assert.equal(load.bucket, "5m");
    assert.deepEqual(load.keys, ["2026-02-01 10:00", "2026-02-01 10:05", "2026-02-01 10:10"]);
    assert.deepEqual(load.series.rcv, [10, 20, 30]);
    const calls = await caller.stats.calls(range);
    assert.deepEqual(calls.series.answered, [0, 1, 0], "the call at 10:05:00 opens the second bucket");
    assert.deepEqual(calls.series.failed, [0, 0, 0]);
  });

  test("a range ending before it starts, or longer than a year, is refused", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    await assert.rejects(caller.stats.calls({ from: "2026-02-02", to: "2026-02-01" }), /before its start/);
    await assert.rejects(caller.stats.calls({ from: "2024-01-01", to: "2026-01-01" }), /at most 366 days/);
  });
});

describe("chart ranges", () => {
  test("bucket size follows the span: 5 min up to 6 h, hours up to 4 days, then days", () => {
    assert.equal(bucketFor(3600), "5m");
    assert.equal(bucketFor(6 * 3600), "5m");
    assert.equal(bucketFor(24 * 3600), "1h");
    assert.equal(bucketFor(72 * 3600), "1h");
    assert.equal(bucketFor(7 * 86_400), "1d");
  });

  test("a preset ends now; the last hour has 13 five-minute buckets when it does not start on one", () => {
    const now = new Date(2026, 1, 1, 10, 7, 30);
    const r = resolveRange({ range: "1h", from: "", to: "" }, now);
    assert.equal(r.to.getTime(), now.getTime());
    assert.equal(r.from.getTime(), now.getTime() - 3600_000);
    const keys = bucketKeys(r);
    assert.equal(keys[0], "2026-02-01 09:05");
    assert.equal(keys[keys.length - 1], "2026-02-01 10:05");
    assert.equal(keys.length, 13);
  });

  test("a custom range without an end runs to now", () => {
    const now = new Date(2026, 1, 3, 8, 0, 0);
    const r = resolveRange({ range: "24h", from: "2026-02-01T00:00", to: "" }, now);
    assert.equal(toSqlDateTime(r.from), "2026-02-01 00:00:00");
    assert.equal(r.to, now);
    assert.equal(r.bucket, "1h");
  });
});

describe("on a seeded week", () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db, { domain: "test.example", storePlaintext: false });
  });
  after(() => t.drop());

  test("every chart of the last 72 hours has data, and the totals match the tables", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const range = { range: "72h" as const };
    const calls = await caller.stats.calls(range);
    const answered = calls.series.answered.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
    const top = await caller.stats.topCallers({ ...range, limit: 50 });
    assert.ok(answered && answered > 0);
    assert.equal(
      top.reduce((a, r) => a + r.calls, 0),
      answered,
      "top callers with a large limit add up to the answered calls",
    );
    const durations = await caller.stats.durations(range);
    assert.equal(
      durations.counts.reduce((a, b) => a + b, 0),
      answered,
    );
    const replies = await caller.stats.inviteReplies(range);
    const failed = calls.series.failed.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
    assert.equal(
      replies.filter((r) => r.code >= "300").reduce((a, r) => a + r.count, 0),
      failed,
    );
    for (const chart of [
      await caller.stats.sipLoad(range),
      await caller.stats.memory(range),
      await caller.stats.registered(range),
    ]) {
      const values = Object.values(chart.series).flat();
      assert.ok(values.filter((v) => v !== null).length > 60, "hourly samples for three days");
    }
  });
});
