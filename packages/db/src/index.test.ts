import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq } from "drizzle-orm";
import type mysql from "mysql2/promise";
import { acc, location, sbAudit } from "./index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

test("DATETIME values come back as the stored wall-clock text through drizzle and the raw pool", async () => {
  await tdb.db.insert(acc).values({ method: "INVITE", callid: "c1", time: "2026-03-29 02:30:00" });
  const [viaDrizzle] = await tdb.db.select({ time: acc.time }).from(acc).where(eq(acc.callid, "c1"));
  assert.equal(viaDrizzle.time, "2026-03-29 02:30:00");
  const [raw] = await tdb.pool.query<mysql.RowDataPacket[]>("SELECT time FROM acc WHERE callid = 'c1'");
  assert.equal(raw[0].time, "2026-03-29 02:30:00");
});

test("Kamailio column defaults apply to rows inserted through the schema", async () => {
  await tdb.db.insert(location).values({ ruid: "r1", username: "alice", contact: "sip:alice@192.0.2.1" });
  const row = await tdb.db.query.location.findFirst({ where: eq(location.ruid, "r1") });
  assert.equal(row?.expires, "2030-05-28 21:32:15");
  assert.equal(row?.q, 1);
  assert.equal(row?.callid, "Default-Call-ID");
  assert.equal(row?.domain, null);
});

test("console audit rows get a millisecond timestamp from the server and a boolean ok", async () => {
  await tdb.db.insert(sbAudit).values({ username: "admin", action: "login", ok: false });
  const [row] = await tdb.db.select().from(sbAudit);
  assert.match(row.at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  assert.equal(row.ok, false);
  assert.equal(row.target, "");
});
