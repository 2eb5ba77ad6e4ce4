import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { statistics } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { asc } from "drizzle-orm";
import { buildStatisticsRow, type SamplerCounters, StatisticsSampler } from "./sampler.ts";

const MEM = { used_size: 1000, real_used_size: 2000, max_used_size: 3000, free_size: 4000 };
const counters = (rcv: number, fwd: number, ok: number): SamplerCounters => ({
  rcv_requests: rcv,
  fwd_requests: fwd,
  "2xx_transactions": ok,
  location_users: 3,
  location_contacts: 4,
  inuse_transactions: 2,
});

test("a row holds gauges as they are and counters as differences to the previous sample", () => {
  const zero = { rcv_requests: 0, fwd_requests: 0, "2xx_transactions": 0 };
  assert.deepEqual(buildStatisticsRow(counters(100, 80, 30), zero, MEM, 1_767_261_600), {
    timeStamp: 1_767_261_600,
    shmUsedSize: 1000,
    shmRealUsedSize: 2000,
    shmMaxUsedSize: 3000,
    shmFreeUsedSize: 4000,
    ulUsers: 3,
    ulContacts: 4,
    tmActive: 2,
    rcvReqDiff: 100,
    fwdReqDiff: 80,
    trans2xxDiff: 30,
  });
  const next = buildStatisticsRow(counters(150, 90, 30), counters(100, 80, 30), MEM, 1_767_261_660);
  assert.deepEqual([next.rcvReqDiff, next.fwdReqDiff, next.trans2xxDiff], [50, 10, 0]);
  const afterReset = buildStatisticsRow(counters(7, 5, 1), counters(100, 80, 30), MEM, 1_767_261_720);
  assert.deepEqual([afterReset.rcvReqDiff, afterReset.fwdReqDiff], [7, 5], "a reset counter counts from 0");
  const big = buildStatisticsRow(
    { ...counters(1, 1, 1), used_size: 8e9, location_users: -1 },
    counters(0, 0, 0),
    MEM,
    1,
  );
  assert.equal(big.shmUsedSize, 4_294_967_295, "clamped to INT UNSIGNED");
  assert.equal(big.ulUsers, 0);
});

describe("StatisticsSampler on MariaDB", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("samples are written with diffs; rows older than the retention are pruned", async () => {
    let t = Date.UTC(2026, 0, 10) + 0;
    const nowSec = () => Math.floor(t / 1000);
    await tdb.db
      .insert(statistics)
      .values([{ timeStamp: nowSec() - 11 * 86_400 }, { timeStamp: nowSec() - 9 * 86_400 }]);
    const values = [counters(10, 8, 2), counters(25, 20, 5), counters(40, 30, 9)];
    let i = 0;
    const sampler = new StatisticsSampler({
      db: tdb.db,
      readCounters: () => values[i++],
      now: () => t,
      log: () => undefined,
    });
    for (let k = 0; k < 3; k++) {
      assert.equal(await sampler.sample(), true);
      t += 60_000;
    }
    const rows = await tdb.db.select().from(statistics).orderBy(asc(statistics.timeStamp));
    assert.equal(rows.length, 4, "the 11-day-old row is gone, the 9-day-old one stays");
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => [
          r.timeStamp - nowSec(),
          r.rcvReqDiff,
          r.fwdReqDiff,
          r.trans2xxDiff,
          r.ulUsers,
          r.tmActive,
        ]),
      [
        [-180, 10, 8, 2, 3, 2],
        [-120, 15, 12, 3, 3, 2],
        [-60, 15, 10, 4, 3, 2],
      ],
    );
    assert.ok(rows[1].shmRealUsedSize > 0, "process memory stands in for shared memory");
    assert.equal(sampler.counters.pruned, 1);
    await tdb.db.delete(statistics);
  });

  test("samples taken while the table is unavailable are written once it is back", async () => {
    let t = Date.UTC(2026, 0, 11);
    const warnings: string[] = [];
    let rcv = 0;
    const sampler = new StatisticsSampler({
      db: tdb.db,
      readCounters: () => {
        rcv += 5;
        return counters(rcv, 0, 0);
      },
      now: () => t,
      params: { backlog: 3 },
      log: (level, msg) => level === "warn" && warnings.push(msg),
    });
    await tdb.pool.query("RENAME TABLE statistics TO statistics_away");
    for (let k = 0; k < 4; k++) {
      assert.equal(await sampler.sample(), false);
      t += 60_000;
    }
    assert.equal(sampler.counters.pending, 3);
    assert.equal(sampler.counters.dropped, 1, "the oldest sample beyond the backlog is dropped");
    assert.equal(warnings.length, 1, "one warning per outage");
    await tdb.pool.query("RENAME TABLE statistics_away TO statistics");
    assert.equal(await sampler.sample(), true);
    const rows = await tdb.db.select().from(statistics).orderBy(asc(statistics.timeStamp));
    assert.equal(rows.length, 3, "the backlog holds at most 3 samples, the new one included");
    assert.deepEqual(
      rows.map((r) => r.timeStamp - Math.floor(t / 1000)),
      [-120, -60, 0],
    );
    assert.deepEqual(
      rows.map((r) => r.rcvReqDiff),
      [5, 5, 5],
    );
    assert.equal(sampler.counters.pending, 0);
    assert.equal(sampler.counters.lastError, null);
  });

  test("the timer samples in the background and stop() ends it", async () => {
    let calls = 0;
    const sampler = new StatisticsSampler({
      db: tdb.db,
      readCounters: () => {
        calls++;
        return counters(1, 1, 1);
      },
      params: { interval: 0.05 },
      log: () => undefined,
    });
    sampler.start();
    const end = Date.now() + 5000;
    while (sampler.counters.written < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await sampler.stop();
    assert.ok(sampler.counters.written >= 2);
    const seen = calls;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(calls, seen, "no sample after stop()");
  });
});
