import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { htable } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { cellsFromRows, HtableModule } from "./module.ts";
import { registerHtableRpc } from "./rpc.ts";
import { Htable, parseHtableSpec } from "./table.ts";

const clock = (start = 1_000_000_000_000) => {
  let t = start;
  return { now: () => t, advance: (sec: number) => (t += sec * 1000) };
};

const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };
const call = (r: RpcRegistry, name: string, params: unknown[] = []) => {
  const def = r.get(name);
  if (!def) throw new Error(`no ${name}`);
  return Promise.resolve().then(() => def.handler(params, ctx));
};

test("definitions parse like Kamailio's modparam, with its size limits", () => {
  assert.deepEqual(parseHtableSpec("ipban=>size=8;autoexpire=300;"), {
    name: "ipban",
    size: 8,
    autoexpire: 300,
    dbtable: "",
    dbmode: 0,
    updateexpire: 1,
    dmqreplicate: 0,
  });
  const a = parseHtableSpec("a=>size=1;dbtable=htable_a;dbmode=1;initval=0;updateexpire=0");
  assert.equal(a.size, 3);
  assert.equal(a.dbtable, "htable_a");
  assert.equal(a.initval, 0);
  assert.equal(a.updateexpire, 0);
  assert.equal(parseHtableSpec("b=>size=40").size, 14);
  assert.throws(() => parseHtableSpec("size=8"), /expected name=>/);
  assert.throws(() => parseHtableSpec("c=>colour=red"), /unknown attribute "colour"/);
});

describe("expiry with a controllable clock", () => {
  test("an autoexpire item disappears after autoexpire seconds without update", () => {
    const c = clock();
    const t = new Htable(parseHtableSpec("ipban=>size=8;autoexpire=300;"), c.now);
    t.set("192.0.2.1", 1);
    c.advance(299);
    assert.equal(t.get("192.0.2.1"), 1);
    c.advance(1);
    assert.equal(t.get("192.0.2.1"), undefined);
    assert.equal(t.size, 0, "an expired item read is removed");
  });

  test("updates restart the expiry unless updateexpire=0", () => {
    const c = clock();
    const upd = new Htable(parseHtableSpec("u=>autoexpire=10;"), c.now);
    const keep = new Htable(parseHtableSpec("k=>autoexpire=10;updateexpire=0;"), c.now);
    for (const t of [upd, keep]) t.set("x", "1");
    c.advance(8);
    for (const t of [upd, keep]) t.set("x", "2");
    c.advance(8);
    assert.equal(upd.get("x"), "2");
    assert.equal(keep.get("x"), undefined);
  });

  test("per-item expiry, counters, initval and the sweep", () => {
    const c = clock();
    const t = new Htable(parseHtableSpec("a=>initval=0;"), c.now);
    assert.equal(t.get("missing"), 0, "initval instead of $null");
    assert.equal(t.inc("hits"), 1);
    assert.equal(t.inc("hits", 5), 6);
    t.set("s", "text");
    assert.throws(() => t.inc("s"), /holds a string/);
    assert.throws(() => t.set("f", 1.5), /integer value expected/);
    assert.equal(t.setExpire("s", 5), true);
    assert.equal(t.expiresIn("s"), 5);
    assert.equal(t.expiresIn("hits"), 0, "no autoexpire: never expires");
    c.advance(6);
    assert.equal(t.size, 2);
    assert.equal(t.sweep(), 1);
    assert.deepEqual(
      [...t.entries()].map(([k]) => k),
      ["hits"],
    );
  });
});

test("database rows load as simple keys, arrays with ::size, and integers", () => {
  const spec = parseHtableSpec("h=>autoexpire=60;dbtable=htable;");
  const rows = [
    { id: 1, key_name: "alice", key_type: 0, value_type: 0, key_value: "gold", expires: 0 },
    { id: 2, key_name: "course", key_type: 1, value_type: 0, key_value: "math", expires: 0 },
    { id: 3, key_name: "course", key_type: 1, value_type: 0, key_value: "art", expires: 0 },
    { id: 4, key_name: "limit", key_type: 0, value_type: 1, key_value: "42", expires: 0 },
    { id: 5, key_name: "bad", key_type: 0, value_type: 1, key_value: "forty", expires: 0 },
    { id: 6, key_name: "old", key_type: 0, value_type: 0, key_value: "x", expires: 1000 },
    { id: 7, key_name: "later", key_type: 0, value_type: 0, key_value: "y", expires: 3000 },
  ];
  const plain = cellsFromRows(rows, spec, { dbExpires: false, arraySizeSuffix: "::size", nowMs: 2_000_000 });
  assert.deepEqual(Object.fromEntries([...plain.cells].map(([k, c]) => [k, c.value])), {
    alice: "gold",
    "course[0]": "math",
    "course[1]": "art",
    limit: 42,
    old: "x",
    later: "y",
    "course::size": 2,
  });
  assert.deepEqual(plain.issues, [{ id: 5, message: 'key bad: integer value expected, got "forty"' }]);
  const withExpires = cellsFromRows(rows, spec, {
    dbExpires: true,
    arraySizeSuffix: "::size",
    nowMs: 2_000_000,
  });
  assert.equal(withExpires.cells.has("old"), false, "already expired in the database");
  assert.equal(withExpires.cells.get("later")?.expire, 3_000_000);
});

describe("htable on MariaDB and over RPC", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
    await tdb.db.insert(htable).values([
      { keyName: "gw", keyType: 0, valueType: 0, keyValue: "10.0.0.1" },
      { keyName: "maxcalls", keyType: 0, valueType: 1, keyValue: "30" },
    ]);
  });
  after(async () => {
    await tdb?.drop();
  });

  test("the htable table loads at start and htable.reload picks up edits", async () => {
    const c = clock(Date.now());
    const mod = new HtableModule({ db: tdb.db, now: c.now });
    const reports = await mod.init();
    assert.deepEqual(
      reports.map((r) => [r.table, r.size]),
      [["htable", 2]],
    );
    assert.equal(mod.table("htable")?.get("maxcalls"), 30);
    assert.equal(mod.table("ipban")?.spec.autoexpire, 300);

    const r = new RpcRegistry();
    registerHtableRpc(r, mod);
    await tdb.db.insert(htable).values({ keyName: "gw", keyType: 0, valueType: 0, keyValue: "10.0.0.2" });
    assert.equal(await call(r, "htable.reload", ["htable"]), "Ok. Htable reloaded.");
    assert.equal(mod.table("htable")?.get("gw"), "10.0.0.2", "the later row wins");

    await tdb.pool.query("RENAME TABLE htable TO htable_away");
    await assert.rejects(call(r, "htable.reload", ["htable"]), /Htable reload failed: .*htable/);
    assert.equal(mod.table("htable")?.get("gw"), "10.0.0.2", "a failed reload keeps the old content");
    await tdb.pool.query("RENAME TABLE htable_away TO htable");
    await assert.rejects(call(r, "htable.reload", ["ipban"]), /no dbtable/);
  });

  test("RPC answers have Kamailio's shapes", async () => {
    const c = clock(new Date(2026, 0, 1, 12, 0, 0).getTime());
    const mod = new HtableModule({ db: tdb.db, now: c.now });
    const r = new RpcRegistry();
    registerHtableRpc(r, mod);

    assert.equal(await call(r, "htable.seti", ["ipban", "192.0.2.7", "1"]), undefined);
    await call(r, "htable.sets", ["htable", "note", "hello"]);
    assert.deepEqual(await call(r, "htable.get", ["ipban", "192.0.2.7"]), {
      item: { name: "192.0.2.7", value: 1, flags: 0, expire: "2026-01-01 12:05:00" },
    });
    assert.deepEqual(await call(r, "htable.get", ["htable", "note"]), {
      item: { name: "note", value: "hello", flags: 2, expire: "NEVER" },
    });
    const dump = (await call(r, "htable.dump", ["ipban"])) as {
      entry: number;
      size: number;
      slot: unknown[];
    }[];
    assert.equal(dump.length, 1);
    assert.deepEqual(dump[0].slot, [{ name: "192.0.2.7", value: 1, type: "int" }]);
    assert.ok(dump[0].entry >= 0 && dump[0].entry < 256);

    assert.deepEqual(await call(r, "htable.listTables"), [
      { name: "ipban", dbtable: "", dbmode: 0, expire: 300, updateexpire: 1, size: 256, dmqreplicate: 0 },
      {
        name: "htable",
        dbtable: "htable",
        dbmode: 0,
        expire: 0,
        updateexpire: 1,
        size: 256,
        dmqreplicate: 0,
      },
    ]);
    const stats = (await call(r, "htable.stats")) as {
      name: string;
      all: number;
      min: number;
      max: number;
    }[];
    assert.deepEqual(
      stats.map((s) => [s.name, s.all, s.min, s.max]),
      [
        ["ipban", 1, 0, 1],
        ["htable", 1, 0, 1],
      ],
    );

    await call(r, "htable.setex", ["ipban", "192.0.2.7", 10]);
    c.advance(11);
    await assert.rejects(call(r, "htable.get", ["ipban", "192.0.2.7"]), /Key name doesn't exist in htable\./);
    await call(r, "htable.delete", ["htable", "note"]);
    assert.equal(mod.table("htable")?.has("note"), false);
    await assert.rejects(call(r, "htable.get", ["nope", "x"]), /No such htable/);
    await assert.rejects(call(r, "htable.get", ["ipban"]), /Not enough parameters/);
    await assert.rejects(call(r, "htable.seti", ["ipban", "k", "abc"]), /Not enough parameters/);
  });

  test("a dbmode=1 table is written back on close and read again at the next start", async () => {
    await tdb.pool.query("CREATE TABLE htable_persist LIKE htable");
    const params = { htable: ["p=>size=4;dbtable=htable_persist;dbmode=1;"] };
    const first = new HtableModule({ db: tdb.db, params });
    await first.init();
    first.table("p")?.set("counter", 5);
    first.table("p")?.set("name", "x");
    await first.close();
    const second = new HtableModule({ db: tdb.db, params });
    await second.init();
    assert.equal(second.table("p")?.get("counter"), 5);
    assert.equal(second.table("p")?.get("name"), "x");
  });

  test("without a database htable.reload answers Kamailio's fault", async () => {
    const r = new RpcRegistry();
    registerHtableRpc(r, new HtableModule());
    await assert.rejects(call(r, "htable.reload", ["htable"]), /No htable db_url/);
  });
});
