import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { eq } from "drizzle-orm";
import { ReloadError } from "../shared/index.ts";
import { rpcCall, rpcFault } from "../shared/testing.ts";
import { Dispatcher } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

test("sets load from the dispatcher table; dispatcher.reload after a table edit takes effect for the next call", async () => {
  const t = schema.dispatcher;
  await tdb.db.insert(t).values([
    { setid: 1, destination: "sip:127.0.0.1:5071", description: "uas1" },
    { setid: 1, destination: "sip:127.0.0.1:5072", description: "uas2" },
    { setid: 1, destination: "sip:127.0.0.1:5073", flags: 8, attrs: "duid=c;weight=20" },
    { setid: 2, destination: "sip:[nope", description: "bad" },
  ]);
  const [bad] = await tdb.db.select({ id: t.id }).from(t).where(eq(t.description, "bad"));
  const ds = new Dispatcher({ db: tdb.db, params: { flags: 2 } });
  const report = await ds.load();
  assert.equal(report.size, 3);
  assert.deepEqual(
    report.issues.map((i) => i.id),
    [bad.id],
  );
  const picks = new Set(Array.from({ length: 3 }, () => ds.select(1, 4, {})?.targets[0].uri));
  assert.equal(picks.size, 3);

  const reg = new RpcRegistry();
  ds.registerRpc(reg);
  await tdb.db.delete(t).where(eq(t.destination, "sip:127.0.0.1:5072"));
  await tdb.db.delete(t).where(eq(t.id, bad.id));
  await tdb.db.insert(t).values({ setid: 3, destination: "sip:127.0.0.1:6000" });
  assert.equal(await rpcCall(reg, "dispatcher.reload"), "Ok. Dispatcher successfully reloaded.");
  const after = new Set(Array.from({ length: 6 }, () => ds.select(1, 4, {})?.targets[0].uri));
  assert.deepEqual([...after].sort(), ["sip:127.0.0.1:5071", "sip:127.0.0.1:5073"]);
  assert.equal(ds.select(3, 4, {})?.targets[0].uri, "sip:127.0.0.1:6000");
  const list = (await rpcCall(reg, "dispatcher.list")) as { NRSETS: number };
  assert.equal(list.NRSETS, 2);
});

test("a failed reload (table gone) keeps the sets in use and answers Reload Failed", async () => {
  const other = await createTestDatabase();
  try {
    await other.db.insert(schema.dispatcher).values({ setid: 7, destination: "sip:192.0.2.1" });
    const ds = new Dispatcher({ db: other.db });
    await ds.load();
    await other.pool.query("DROP TABLE dispatcher");
    await assert.rejects(ds.reload(), ReloadError);
    assert.equal(ds.select(7, 4, {})?.targets[0].uri, "sip:192.0.2.1");
    const reg = new RpcRegistry();
    ds.registerRpc(reg);
    assert.equal(await rpcFault(reg, "dispatcher.reload", []), "500 Reload Failed");
  } finally {
    await other.drop();
  }
});
