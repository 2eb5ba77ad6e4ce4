import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type mysql from "mysql2/promise";
import { subscriberHashes } from "./credentials.ts";
import { fromSqlDateTime, toSqlDateTime } from "./datetime.ts";
import { DEMO_USERS, demoPassword, seedDemo } from "./seed.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const DOMAIN = "demo.test";
const SEEDED_TABLES = [
  "domain",
  "subscriber",
  "dbaliases",
  "speed_dial",
  "dispatcher",
  "dialplan",
  "grp",
  "re_grp",
  "address",
  "trusted",
  "billing_rates",
  "acc",
  "missed_calls",
  "cdrs",
  "acc_cdrs",
  "statistics",
];

async function rows<T = mysql.RowDataPacket>(tdb: TestDatabase, q: string, args: unknown[] = []) {
  const [r] = await tdb.pool.query<mysql.RowDataPacket[]>(q, args);
  return r as T[];
}

async function counts(tdb: TestDatabase) {
  const out: Record<string, number> = {};
  for (const t of SEEDED_TABLES) out[t] = Number((await rows(tdb, `SELECT COUNT(*) n FROM ${t}`))[0].n);
  return out;
}

describe("seedDemo", () => {
  let tdb: TestDatabase;
  const now = new Date();
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("fills every demo table on an empty database, and a second run duplicates nothing", async () => {
    assert.deepEqual(await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: true, now }), {
      created: true,
    });
    const first = await counts(tdb);
    for (const [table, n] of Object.entries(first)) assert.ok(n > 0, `${table} is empty`);
    assert.equal(first.subscriber, 20);
    assert.equal(first.dispatcher, 2);

    assert.deepEqual(await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: true, now }), {
      created: false,
    });
    assert.deepEqual(await counts(tdb), first);
  });

  test("subscribers have the documented password and kamctl's ha1/ha1b", async () => {
    const subs = await rows(tdb, "SELECT username, domain, password, ha1, ha1b FROM subscriber ORDER BY id");
    assert.deepEqual(
      subs.map((s) => s.username),
      [...DEMO_USERS],
    );
    for (const s of subs) {
      assert.equal(s.domain, DOMAIN);
      assert.equal(s.password, demoPassword(s.username));
      assert.deepEqual({ ha1: s.ha1, ha1b: s.ha1b }, subscriberHashes(s.username, DOMAIN, s.password));
    }
    assert.equal(demoPassword("alice"), "alice-pass");
  });

  test("every CDR matches an INVITE/BYE pair in acc carrying its cdr_id", async () => {
    const unmatched = await rows(
      tdb,
      `SELECT c.cdr_id FROM cdrs c WHERE
         (SELECT COUNT(*) FROM acc a WHERE a.cdr_id = c.cdr_id AND a.callid = c.sip_call_id
            AND a.method = 'INVITE' AND a.time = c.call_start_time) <> 1
         OR (SELECT COUNT(*) FROM acc a WHERE a.cdr_id = c.cdr_id AND a.callid = c.sip_call_id
            AND a.method = 'BYE' AND TIMESTAMPDIFF(SECOND, c.call_start_time, a.time) = c.duration) <> 1`,
    );
    assert.deepEqual(unmatched, []);
    const [long] = await rows(tdb, "SELECT MAX(CHAR_LENGTH(sip_call_id)) n FROM cdrs");
    assert.ok(Number(long.n) > 64, "a Call-ID over 64 characters is part of the demo");
    const missedNotInAcc = await rows(
      tdb,
      "SELECT m.id FROM missed_calls m LEFT JOIN acc a ON a.callid = m.callid AND a.sip_code = m.sip_code WHERE a.id IS NULL",
    );
    assert.deepEqual(missedNotInAcc, []);
  });

  test("traffic covers the seven days before now, in local time, with a sample every 300 s", async () => {
    const [span] = await rows(
      tdb,
      "SELECT MIN(time) lo, MAX(time) hi, COUNT(DISTINCT DATE(time)) days FROM acc",
    );
    assert.ok(span.hi <= toSqlDateTime(now), `${span.hi} is after now`);
    assert.ok(now.getTime() - fromSqlDateTime(span.lo).getTime() > 6 * 24 * 3600_000);
    assert.ok(Number(span.days) >= 7);
    const [stats] = await rows(
      tdb,
      "SELECT COUNT(*) n, MAX(time_stamp) - MIN(time_stamp) width, COUNT(DISTINCT time_stamp) uniq FROM statistics",
    );
    assert.equal(Number(stats.n), (7 * 24 * 3600) / 300);
    assert.equal(Number(stats.uniq), Number(stats.n));
    assert.equal(Number(stats.width), 7 * 24 * 3600 - 300);
  });
});

describe("seedDemo on a database in use", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("leaves a database with existing subscribers untouched", async () => {
    await tdb.pool.query("INSERT INTO subscriber (username, domain) VALUES ('zoe', 'live.example')");
    assert.deepEqual(await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: true }), { created: false });
    const c = await counts(tdb);
    assert.equal(c.subscriber, 1);
    assert.equal(c.acc + c.domain + c.dispatcher + c.statistics, 0);
  });
});

describe("seedDemo without plain-text passwords", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("stores only ha1/ha1b when storePlaintext is false (kamctlrc STORE_PLAINTEXT_PW=0)", async () => {
    await seedDemo(tdb.db, { domain: DOMAIN, storePlaintext: false });
    const [alice] = await rows(tdb, "SELECT password, ha1 FROM subscriber WHERE username = 'alice'");
    assert.equal(alice.password, "");
    assert.equal(alice.ha1, subscriberHashes("alice", DOMAIN, "alice-pass").ha1);
  });
});
