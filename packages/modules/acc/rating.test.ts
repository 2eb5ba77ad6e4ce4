import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { billingRates, cdrs } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import { buildRateTable, callCost, findRate, rateCdrs, rateMany } from "./rating.ts";

const rates = buildRateTable([
  { rateGroup: "default", prefix: "+49", rateUnit: 10, timeUnit: 60 },
  { rateGroup: "default", prefix: "+4930", rateUnit: 5, timeUnit: 60 },
  { rateGroup: "default", prefix: "+1", rateUnit: 3, timeUnit: 1 },
  { rateGroup: "premium", prefix: "+49", rateUnit: 20, timeUnit: 30 },
  { rateGroup: "premium", prefix: "", rateUnit: 100, timeUnit: 60 },
]);

test("the longest matching prefix wins within the rate group", () => {
  assert.equal(findRate(rates, "default", "+4930123456")?.prefix, "+4930");
  assert.equal(findRate(rates, "default", "+4989123456")?.prefix, "+49");
  assert.equal(findRate(rates, "premium", "+4930123456")?.prefix, "+49");
});

test("no rate matches outside the group's prefixes; an empty prefix is a catch-all", () => {
  assert.equal(findRate(rates, "default", "alice"), undefined);
  assert.equal(findRate(rates, "missing-group", "+49301"), undefined);
  assert.equal(findRate(rates, "premium", "alice")?.prefix, "");
});

test("cost is rate_unit per started time_unit (Siremis: 65 s at 10/60 s = 20)", () => {
  assert.equal(callCost({ rateUnit: 10, timeUnit: 60 }, 65), 20);
  assert.equal(callCost({ rateUnit: 10, timeUnit: 60 }, 60), 10);
  assert.equal(callCost({ rateUnit: 10, timeUnit: 60 }, 0), 0);
  assert.equal(callCost({ rateUnit: 3, timeUnit: 1 }, 7), 21);
  assert.equal(callCost({ rateUnit: 7, timeUnit: 0 }, 500), 7);
});

test("rateMany marks unmatched CDRs -1 and can pick the group per CDR", () => {
  const list = [
    { cdrId: 1, srcUsername: "alice", srcDomain: "d", dstUsername: "+4930111", duration: 61 },
    { cdrId: 2, srcUsername: "vip", srcDomain: "d", dstUsername: "+4930111", duration: 61 },
    { cdrId: 3, srcUsername: "alice", srcDomain: "d", dstUsername: "bob", duration: 61 },
  ];
  const out = rateMany(rates, list, {
    rateGroupOf: (c) => (c.srcUsername === "vip" ? "premium" : "default"),
  });
  assert.deepEqual(out, [
    { cdrId: 1, cost: 10, rated: 1 },
    { cdrId: 2, cost: 60, rated: 1 },
    { cdrId: 3, cost: 0, rated: -1 },
  ]);
});

describe("rateCdrs on MariaDB", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  const cdr = (id: number, dst: string, duration: number, rated = 0) => ({
    cdrId: id,
    dstUsername: dst,
    duration,
    sipCallId: `call-${id}`,
    sipFromTag: "f",
    sipToTag: "t",
    created: "2026-01-01 00:00:00",
    rated,
  });

  test("rates unrated CDRs by longest prefix, then re-rates all after a rate change", async () => {
    await tdb.db.insert(billingRates).values([
      { rateGroup: "default", prefix: "+49", rateUnit: 10, timeUnit: 60 },
      { rateGroup: "default", prefix: "+4930", rateUnit: 5, timeUnit: 60 },
    ]);
    await tdb.db.insert(cdrs).values([cdr(1, "+4930999", 65), cdr(2, "+4989999", 65), cdr(3, "bob", 65)]);
    const res = await rateCdrs(tdb.db);
    assert.deepEqual(res, { examined: 3, rated: 2, unmatched: 1 });
    const got = await tdb.db.select({ id: cdrs.cdrId, cost: cdrs.cost, rated: cdrs.rated }).from(cdrs);
    assert.deepEqual(got, [
      { id: 1, cost: 10, rated: 1 },
      { id: 2, cost: 20, rated: 1 },
      { id: 3, cost: 0, rated: -1 },
    ]);

    // A second run has nothing left to do.
    assert.deepEqual(await rateCdrs(tdb.db), { examined: 0, rated: 0, unmatched: 0 });

    await tdb.db.update(billingRates).set({ rateUnit: 1 }).where(eq(billingRates.prefix, "+49"));
    await tdb.db.insert(billingRates).values({ rateGroup: "default", prefix: "", rateUnit: 2, timeUnit: 60 });
    assert.deepEqual(await rateCdrs(tdb.db, { all: true }), { examined: 3, rated: 3, unmatched: 0 });
    const again = await tdb.db.select({ id: cdrs.cdrId, cost: cdrs.cost }).from(cdrs);
    assert.deepEqual(again, [
      { id: 1, cost: 10 },
      { id: 2, cost: 2 },
      { id: 3, cost: 4 },
    ]);
  });
});
