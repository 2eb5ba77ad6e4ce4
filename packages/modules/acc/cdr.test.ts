import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { billingRates } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { type AccCallRow, callStats, generateCdrs, pairCalls, secondsBetween } from "./cdr.ts";
import { CdrEngine } from "./engine.ts";
import { registerAccRpc } from "./rpc.ts";
import { AccWriter } from "./writer.ts";

let nextId = 1;
function row(p: Partial<AccCallRow> & Pick<AccCallRow, "method" | "callid" | "time">): AccCallRow {
  return {
    id: nextId++,
    fromTag: "ft",
    toTag: "tt",
    sipCode: "200",
    srcUser: "alice",
    srcDomain: "d",
    srcIp: "192.0.2.1",
    dstOuser: "bob",
    dstUser: "bob",
    dstDomain: "d",
    cdrId: 0,
    ...p,
  };
}

describe("pairCalls (pure)", () => {
  test("pairs an answered INVITE with the BYE of either party", () => {
    const rows = [
      row({ method: "INVITE", callid: "c1", time: "2026-01-01 10:00:00" }),
      row({ method: "BYE", callid: "c1", time: "2026-01-01 10:01:05" }),
      row({ method: "INVITE", callid: "c2", fromTag: "a", toTag: "b", time: "2026-01-01 10:00:00" }),
      // the callee hangs up: its BYE carries the tags swapped
      row({ method: "BYE", callid: "c2", fromTag: "b", toTag: "a", time: "2026-01-01 10:00:30" }),
    ];
    const { pairs } = pairCalls(rows);
    assert.deepEqual(
      pairs.map((p) => [p.invite.callid, p.duration]),
      [
        ["c1", 65],
        ["c2", 30],
      ],
    );
  });

  test("a failed INVITE, a call without BYE and a BYE of another dialog make no CDR", () => {
    const rows = [
      row({ method: "INVITE", callid: "f", sipCode: "486", time: "2026-01-01 10:00:00" }),
      row({ method: "BYE", callid: "f", time: "2026-01-01 10:00:10" }),
      row({ method: "INVITE", callid: "open", time: "2026-01-01 10:00:00" }),
      row({ method: "INVITE", callid: "x", fromTag: "1", toTag: "2", time: "2026-01-01 10:00:00" }),
      row({ method: "BYE", callid: "x", fromTag: "1", toTag: "3", time: "2026-01-01 10:00:09" }),
      row({ method: "MESSAGE", callid: "m", time: "2026-01-01 10:00:00" }),
    ];
    assert.equal(pairCalls(rows).pairs.length, 0);
  });

  test("the first INVITE and the first BYE of a dialog win; re-INVITE and duplicate BYE join the call", () => {
    const rows = [
      row({ method: "BYE", callid: "c", time: "2026-01-01 10:05:00" }),
      row({ method: "INVITE", callid: "c", time: "2026-01-01 10:02:00" }), // re-INVITE
      row({ method: "INVITE", callid: "c", time: "2026-01-01 10:00:00" }),
      row({ method: "BYE", callid: "c", time: "2026-01-01 10:04:00" }),
    ];
    const [p] = pairCalls(rows).pairs;
    assert.equal(p.invite.time, "2026-01-01 10:00:00");
    assert.equal(p.bye.time, "2026-01-01 10:04:00");
    assert.equal(p.rows.length, 4);
  });

  test("rows of a dialog that already has a CDR are attached to it", () => {
    const rows = [
      row({ method: "INVITE", callid: "c", time: "2026-01-01 10:00:00", cdrId: 7 }),
      row({ method: "BYE", callid: "c", time: "2026-01-01 10:04:00" }),
    ];
    const res = pairCalls(rows);
    assert.equal(res.pairs.length, 0);
    assert.deepEqual(
      res.attach.map((a) => [a.cdrId, a.rows.map((r) => r.method)]),
      [[7, ["BYE"]]],
    );
  });

  test("durations keep fractions and never go negative", () => {
    assert.equal(secondsBetween("2026-01-01 10:00:00.250", "2026-01-01 10:00:03.750"), 3.5);
    assert.equal(secondsBetween("2026-01-01 10:00:05", "2026-01-01 10:00:03"), 0);
  });
});

/** An acc row as Kamailio's db_mysql inserts it (only the columns it knows, cdr_id left at its default). */
async function kamailioAcc(
  tdb: TestDatabase,
  table: "acc" | "missed_calls",
  r: { method: string; ft: string; tt: string; callid: string; code: string; reason: string; time: string },
  extra: { src: string; dst: string; ip?: string; ouser?: string } = { src: "alice", dst: "bob" },
) {
  await tdb.pool.query(
    `INSERT INTO ${table} (method, from_tag, to_tag, callid, sip_code, sip_reason, time,
       src_user, src_domain, src_ip, dst_ouser, dst_user, dst_domain)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sip.example.org', ?, ?, ?, 'sip.example.org')`,
    [
      r.method,
      r.ft,
      r.tt,
      r.callid,
      r.code,
      r.reason,
      r.time,
      extra.src,
      extra.ip ?? "192.0.2.10",
      extra.ouser ?? extra.dst,
      extra.dst,
    ],
  );
}

async function q<T>(tdb: TestDatabase, text: string, args: unknown[] = []): Promise<T[]> {
  const [r] = await tdb.pool.query(text, args);
  return r as T[];
}

describe("generateCdrs on MariaDB", () => {
  let tdb: TestDatabase;
  const LONG = `${"a".repeat(180)}@long.example.org`.padEnd(200, "z");

  before(async () => {
    tdb = await createTestDatabase();
    await tdb.db.insert(billingRates).values([
      { rateGroup: "default", prefix: "+49", rateUnit: 10, timeUnit: 60 },
      { rateGroup: "default", prefix: "", rateUnit: 1, timeUnit: 60 },
    ]);
  });
  after(async () => {
    await tdb?.drop();
  });

  test("answered calls become rated CDRs; failed, cancelled and open calls do not", async () => {
    assert.equal(LONG.length, 200);
    const T = (s: number) =>
      `2026-03-01 12:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    // answered, caller hangs up, 65 s to a +49 number
    await kamailioAcc(
      tdb,
      "acc",
      { method: "INVITE", ft: "a1", tt: "b1", callid: "call-1", code: "200", reason: "OK", time: T(0) },
      { src: "alice", dst: "+4930123" },
    );
    await kamailioAcc(
      tdb,
      "acc",
      { method: "BYE", ft: "a1", tt: "b1", callid: "call-1", code: "200", reason: "OK", time: T(65) },
      { src: "alice", dst: "+4930123" },
    );
    // answered with a 200-character Call-ID, callee hangs up (tags swapped)
    await kamailioAcc(tdb, "acc", {
      method: "INVITE",
      ft: "a2",
      tt: "b2",
      callid: LONG,
      code: "200",
      reason: "OK",
      time: T(10),
    });
    await kamailioAcc(
      tdb,
      "acc",
      { method: "BYE", ft: "b2", tt: "a2", callid: LONG, code: "200", reason: "OK", time: T(40) },
      { src: "bob", dst: "alice" },
    );
    // busy and cancelled: missed_calls only (default kamailio.cfg flags)
    await kamailioAcc(tdb, "missed_calls", {
      method: "INVITE",
      ft: "a3",
      tt: "b3",
      callid: "call-3",
      code: "486",
      reason: "Busy Here",
      time: T(20),
    });
    await kamailioAcc(tdb, "missed_calls", {
      method: "INVITE",
      ft: "a4",
      tt: "",
      callid: "call-4",
      code: "487",
      reason: "Request Terminated",
      time: T(25),
    });
    // a failed INVITE in acc (FLT_ACCFAILED on INVITE), a MESSAGE, and a call still in progress
    await kamailioAcc(tdb, "acc", {
      method: "INVITE",
      ft: "a5",
      tt: "b5",
      callid: "call-5",
      code: "408",
      reason: "Request Timeout",
      time: T(30),
    });
    await kamailioAcc(tdb, "acc", {
      method: "MESSAGE",
      ft: "a6",
      tt: "",
      callid: "call-6",
      code: "200",
      reason: "OK",
      time: T(31),
    });
    await kamailioAcc(tdb, "acc", {
      method: "INVITE",
      ft: "a7",
      tt: "b7",
      callid: "call-7",
      code: "200",
      reason: "OK",
      time: T(50),
    });

    const res = await generateCdrs(tdb.db);
    assert.equal(res.examined, 7);
    assert.equal(res.cdrs, 2);
    assert.equal(res.rated, 2);

    const got = await q<Record<string, unknown>>(
      tdb,
      `SELECT cdr_id, src_username, dst_username, dst_ousername, call_start_time, duration, sip_call_id,
         sip_from_tag, sip_to_tag, src_ip, cost, rated FROM cdrs ORDER BY call_start_time`,
    );
    assert.equal(got.length, 2);
    assert.deepEqual(
      { ...got[0], cdr_id: undefined },
      {
        cdr_id: undefined,
        src_username: "alice",
        dst_username: "+4930123",
        dst_ousername: "+4930123",
        call_start_time: T(0),
        duration: 65,
        sip_call_id: "call-1",
        sip_from_tag: "a1",
        sip_to_tag: "b1",
        src_ip: "192.0.2.10",
        cost: 20,
        rated: 1,
      },
    );
    assert.equal(got[1].sip_call_id, LONG);
    assert.equal(got[1].duration, 30);
    assert.equal(got[1].sip_from_tag, "a2", "the CDR takes the caller's tags from the INVITE");
    assert.equal(got[1].cost, 1);

    // acc rows point at their CDR; examined rows without one are marked -1
    const marks = await q<{ callid: string; method: string; cdr_id: number }>(
      tdb,
      "SELECT callid, method, cdr_id FROM acc ORDER BY id",
    );
    const byCall = new Map(got.map((c) => [c.sip_call_id, c.cdr_id]));
    for (const m of marks) {
      const want = byCall.get(m.callid) ?? -1;
      assert.equal(m.cdr_id, want, `${m.method} ${m.callid.slice(0, 20)}`);
    }

    // acc_cdrs rows share the CDR's id and carry start, end and duration
    const acdr = await q<{ id: number; start_time: string; end_time: string; duration: number }>(
      tdb,
      "SELECT id, start_time, end_time, duration FROM acc_cdrs ORDER BY id",
    );
    assert.deepEqual(
      acdr.map((a) => [a.id, a.start_time, a.end_time, a.duration]),
      got.map((c) => [c.cdr_id, c.call_start_time, c.call_start_time === T(0) ? T(65) : T(40), c.duration]),
    );

    const stats = await callStats(tdb.db, "2026-03-01 00:00:00", "2026-03-02 00:00:00");
    assert.deepEqual(stats, { answered: 2, missed: 2, failed: 1, missedByCode: { "486": 1, "487": 1 } });
  });

  test("a second run only reads the rows written since, and the open call gets its CDR", async () => {
    const again = await generateCdrs(tdb.db);
    assert.equal(again.examined, 0);
    assert.equal(again.cdrs, 0);

    await kamailioAcc(tdb, "acc", {
      method: "BYE",
      ft: "b7",
      tt: "a7",
      callid: "call-7",
      code: "200",
      reason: "OK",
      time: "2026-03-01 12:02:00",
    });
    await kamailioAcc(tdb, "acc", {
      method: "OPTIONS",
      ft: "o",
      tt: "",
      callid: "opt-1",
      code: "200",
      reason: "OK",
      time: "2026-03-01 12:02:01",
    });
    const res = await generateCdrs(tdb.db);
    assert.equal(res.examined, 2);
    assert.equal(res.cdrs, 1);
    const [c7] = await q<{ duration: number; cdr_id: number }>(
      tdb,
      "SELECT duration, cdr_id FROM cdrs WHERE sip_call_id = 'call-7'",
    );
    assert.equal(c7.duration, 70);
    const linked = await q<{ n: number }>(tdb, "SELECT COUNT(*) n FROM acc WHERE cdr_id = ?", [c7.cdr_id]);
    assert.equal(Number(linked[0].n), 2);
  });

  test("re-examining from an old acc id creates no duplicate CDRs", async () => {
    const before = await q<{ n: number }>(tdb, "SELECT COUNT(*) n FROM cdrs");
    const res = await generateCdrs(tdb.db, { since: 0 });
    assert.equal(res.cdrs, 0);
    const afterCount = await q<{ n: number }>(tdb, "SELECT COUNT(*) n FROM cdrs");
    assert.equal(afterCount[0].n, before[0].n);
  });
});

describe("CDR durations with sub-second acc times", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
    // An operator may give acc.time a fraction; durations then keep it.
    await tdb.pool.query("ALTER TABLE acc MODIFY time DATETIME(3) NOT NULL");
  });
  after(async () => {
    await tdb?.drop();
  });

  test("acc_cdrs keeps the fraction, cdrs rounds up to whole seconds", async () => {
    await kamailioAcc(tdb, "acc", {
      method: "INVITE",
      ft: "f",
      tt: "t",
      callid: "frac",
      code: "200",
      reason: "OK",
      time: "2026-03-01 12:00:00.250",
    });
    await kamailioAcc(tdb, "acc", {
      method: "BYE",
      ft: "f",
      tt: "t",
      callid: "frac",
      code: "200",
      reason: "OK",
      time: "2026-03-01 12:00:12.750",
    });
    await generateCdrs(tdb.db, { rate: false });
    const [c] = await q<{ duration: number; rated: number }>(tdb, "SELECT duration, rated FROM cdrs");
    assert.equal(c.duration, 13);
    assert.equal(c.rated, 0);
    const [a] = await q<{ duration: number }>(tdb, "SELECT duration FROM acc_cdrs");
    assert.equal(a.duration, 12.5);
  });
});

describe("CdrEngine with the AccWriter", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("a written BYE triggers generation; generateForCall returns the CDR id", async () => {
    const writer = new AccWriter({ db: tdb.db, params: { flush_interval: 10 } });
    const engine = new CdrEngine({ db: tdb.db, params: { cdr_interval: 0 } });
    const runs: number[] = [];
    const detach = engine.attach(writer);
    writer.onWritten(() => runs.push(Date.now()));
    const t0 = new Date(2026, 2, 1, 12, 0, 0);
    const t1 = new Date(2026, 2, 1, 12, 0, 42);
    writer.account(0b10, {
      method: "INVITE",
      fromTag: "x",
      toTag: "y",
      callid: "w-1",
      code: 200,
      reason: "OK",
      time: t0,
    });
    writer.account(0b1010, {
      method: "BYE",
      fromTag: "x",
      toTag: "y",
      callid: "w-1",
      code: 200,
      reason: "OK",
      time: t1,
    });
    assert.equal(await writer.flush(), true);
    const id = await engine.generateForCall("w-1");
    assert.ok(id && id > 0);
    const [c] = await q<{ duration: number }>(tdb, "SELECT duration FROM cdrs WHERE cdr_id = ?", [id]);
    assert.equal(c.duration, 42);
    assert.equal(await engine.generateForCall("no-such-call"), undefined);
    assert.ok(runs.length >= 1);

    const registry = new RpcRegistry();
    registerAccRpc(registry, { writer, cdrs: engine });
    const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };
    const stats = (await registry.get("acc.stats")?.handler([], ctx)) as { written: number; pending: number };
    assert.equal(stats.written, 2);
    assert.equal(stats.pending, 0);
    const gen = (await registry.get("acc.cdrs_generate")?.handler([0], ctx)) as {
      cdrs: number;
      examined: number;
    };
    assert.deepEqual([gen.cdrs, gen.examined], [0, 0], "both rows belong to a CDR: nothing to re-examine");
    const rated = await registry.get("acc.rates_generate")?.handler(["default", "all"], ctx);
    assert.deepEqual(rated, { examined: 1, rated: 0, unmatched: 1 });
    detach();
    await engine.stop();
    await writer.close();
  });
});
