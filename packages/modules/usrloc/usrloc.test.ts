import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { location, toSqlDateTime } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import { makeBinding, manualClock } from "./testing.ts";
import { ALL_METHODS, aorHash, type UContact } from "./ucontact.ts";
import { type UlOp, Usrloc, type UsrlocOptions } from "./usrloc.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

const quiet = { error() {}, warn() {} };

function open(
  opts: Partial<UsrlocOptions> & { db_mode: 0 | 1 | 2 | 3; use_domain?: 0 | 1 },
  clock = manualClock(),
) {
  const ul = new Usrloc({
    db: tdb.db,
    now: clock.now,
    log: quiet,
    ...opts,
    params: { db_mode: opts.db_mode, use_domain: opts.use_domain ?? 0, ...opts.params },
  });
  return { ul, clock, loc: ul.domain("location") };
}

const ops =
  (...list: UlOp[]) =>
  () => ({ ops: list });

async function rows(username: string) {
  return tdb.db.select().from(location).where(eq(location.username, username));
}

async function clearTable() {
  await tdb.db.delete(location);
}

describe("usrloc db_mode 0 (memory only)", () => {
  test("keeps bindings in memory, orders them by q then recency, and counts them", async () => {
    const { ul, clock, loc } = open({ db_mode: 0 });
    const now = clock.sec();
    const low = makeBinding("alice", "sip:alice@10.0.0.1", now, { q: 0.5, lastModified: now });
    const high = makeBinding("alice", "sip:alice@10.0.0.2", now, { q: 1, lastModified: now - 10 });
    const newer = makeBinding("alice", "sip:alice@10.0.0.3", now, { q: 0.5, lastModified: now + 1 });
    await loc.transact("alice", ops({ op: "insert", contact: low }, { op: "insert", contact: high }));
    await loc.transact("alice", ops({ op: "insert", contact: newer }));
    const got = await loc.get("alice");
    assert.deepEqual(
      got.map((c) => c.contact),
      ["sip:alice@10.0.0.2", "sip:alice@10.0.0.3", "sip:alice@10.0.0.1"],
    );
    const stats = Object.fromEntries(ul.statDefs().map((d) => [`${d.group}:${d.name}`, d.read()]));
    assert.deepEqual(stats, {
      "usrloc:registered_users": 1,
      "usrloc:location_users": 1,
      "usrloc:location_contacts": 3,
      "usrloc:location_expires": 0,
    });
    assert.equal((await rows("alice")).length, 0, "nothing is written in db_mode 0");
  });

  test("the timer drops expired bindings and empty records and counts them in location_expires", async () => {
    const { ul, clock, loc } = open({ db_mode: 0 });
    const now = clock.sec();
    await loc.transact(
      "bob",
      ops(
        { op: "insert", contact: makeBinding("bob", "sip:bob@a", now, { expires: now + 30 }) },
        { op: "insert", contact: makeBinding("bob", "sip:bob@b", now, { expires: now + 300 }) },
        { op: "insert", contact: makeBinding("bob", "sip:bob@c", now, { expires: 0 }) },
      ),
    );
    clock.advance(30);
    await ul.runTimer();
    assert.deepEqual(
      (await loc.get("bob")).map((c) => c.contact).sort(),
      ["sip:bob@b", "sip:bob@c"],
      "expired at exactly its expiry second; permanent kept",
    );
    clock.advance(1000);
    await ul.runTimer();
    assert.deepEqual(
      (await loc.get("bob")).map((c) => c.contact),
      ["sip:bob@c"],
    );
    assert.equal(loc.expiresCount, 2);
    await loc.transact("bob", (existing) => ({
      ops: existing.map((contact) => ({ op: "delete" as const, contact })),
    }));
    assert.equal(loc.userCount, 0);
    assert.equal(loc.contactsCount, 0);
  });

  test("HashID is Kamailio's core_hash of the AoR", () => {
    // Values printed by Kamailio's ul.dump for these AoRs.
    assert.equal(aorHash("user0999"), 2989948315);
    assert.equal(aorHash("123456"), 924664970);
  });
});

describe("usrloc db_mode 1 (write-through)", () => {
  test("a binding is in the table as soon as the transaction resolves; updates and deletes too", async () => {
    await clearTable();
    const { loc, clock } = open({ db_mode: 1 });
    const now = clock.sec();
    const b = makeBinding("wt1", "sip:wt1@10.0.0.1:5060", now, { q: 0.5, path: "<sip:edge;lr>" });
    const res = await loc.transact("wt1", ops({ op: "insert", contact: b }));
    assert.equal(res.error, undefined);
    let r = await rows("wt1");
    assert.equal(r.length, 1);
    assert.equal(r[0].ruid, b.ruid);
    assert.equal(r[0].contact, "sip:wt1@10.0.0.1:5060");
    assert.equal(r[0].path, "<sip:edge;lr>");
    assert.equal(r[0].received, null, "empty strings are stored as NULL");
    assert.equal(r[0].methods, -1, "ALL_METHODS is written as a signed INT");
    assert.equal(r[0].expires, toSqlDateTime(new Date((now + 3600) * 1000)));
    assert.equal((await loc.get("wt1"))[0].state, "CS_SYNC");

    await loc.transact("wt1", ops({ op: "update", contact: { ...b, cseq: 7, expires: now + 60 } }));
    r = await rows("wt1");
    assert.equal(r[0].cseq, 7);
    assert.equal(r[0].expires, toSqlDateTime(new Date((now + 60) * 1000)));

    await loc.transact("wt1", ops({ op: "delete", contact: b }));
    assert.equal((await rows("wt1")).length, 0);
  });

  test("a failed write is reported, not thrown; the binding stays and the timer writes it later", async () => {
    await clearTable();
    const { ul, loc, clock } = open({ db_mode: 1 });
    const now = clock.sec();
    await tdb.pool.query("RENAME TABLE location TO location_away");
    let res: Awaited<ReturnType<typeof loc.transact>>;
    try {
      res = await loc.transact("wt2", ops({ op: "insert", contact: makeBinding("wt2", "sip:wt2@h", now) }));
    } finally {
      await tdb.pool.query("RENAME TABLE location_away TO location");
    }
    assert.equal(res.error?.op, "insert");
    assert.equal((await loc.get("wt2")).length, 1);
    assert.equal((await loc.get("wt2"))[0].state, "CS_NEW");
    assert.equal((await rows("wt2")).length, 0);
    await ul.runTimer();
    assert.equal((await rows("wt2")).length, 1);
    assert.equal((await loc.get("wt2"))[0].state, "CS_SYNC");
  });
});

describe("usrloc db_mode 2 (write-back)", () => {
  test("changes reach the table only when flushed, in batches", async () => {
    await clearTable();
    const { ul, loc, clock } = open({ db_mode: 2, params: { db_batch_size: 2 } });
    const now = clock.sec();
    const list = [1, 2, 3, 4, 5].map((i) => makeBinding("wb1", `sip:wb1@10.0.0.${i}`, now));
    await loc.transact("wb1", ops(...list.map((contact) => ({ op: "insert" as const, contact }))));
    assert.equal((await rows("wb1")).length, 0, "nothing written before the flush");
    assert.ok((await loc.get("wb1")).every((c) => c.state === "CS_NEW"));
    await ul.flush();
    assert.equal((await rows("wb1")).length, 5);
    assert.ok((await loc.get("wb1")).every((c) => c.state === "CS_SYNC"));

    await loc.transact(
      "wb1",
      ops({ op: "update", contact: { ...list[0], cseq: 9 } }, { op: "delete", contact: list[1] }),
    );
    const dirty = (await loc.get("wb1")).find((c) => c.ruid === list[0].ruid);
    assert.equal(dirty?.state, "CS_DIRTY");
    assert.equal((await rows("wb1")).length, 5, "delete not yet written");
    await ul.flush();
    const r = await rows("wb1");
    assert.equal(r.length, 4);
    assert.equal(r.find((x) => x.ruid === list[0].ruid)?.cseq, 9);
  });

  test("a binding added and removed between flushes never touches the table", async () => {
    await clearTable();
    const { ul, loc, clock } = open({ db_mode: 2 });
    const b = makeBinding("wb2", "sip:wb2@h", clock.sec());
    await loc.transact("wb2", ops({ op: "insert", contact: b }));
    await loc.transact("wb2", ops({ op: "delete", contact: b }));
    await ul.flush();
    assert.equal((await rows("wb2")).length, 0);
  });

  test("the periodic timer writes dirty bindings without being called", async () => {
    await clearTable();
    const { ul, loc } = open(
      { db_mode: 2, params: { timer_interval: 1 } },
      manualClock(Math.floor(Date.now() / 1000)),
    );
    await ul.start();
    try {
      await loc.transact("wb3", ops({ op: "insert", contact: makeBinding("wb3", "sip:wb3@h", ul.nowSec()) }));
      for (let i = 0; i < 100 && (await rows("wb3")).length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal((await rows("wb3")).length, 1);
    } finally {
      await ul.stop();
    }
  });

  test("stop() flushes, and a new instance restores the bindings from the table", async () => {
    await clearTable();
    const clock = manualClock();
    const a = open({ db_mode: 2 }, clock);
    const now = clock.sec();
    const b = makeBinding("wb4", "sip:wb4@10.1.1.1:5062", now, {
      q: 0.75,
      received: "sip:192.0.2.1:4000",
      instance: "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>",
      regId: 1,
      cflags: 64,
      methods: 7135,
    });
    await a.ul.start();
    await a.loc.transact("wb4", ops({ op: "insert", contact: b }));
    await a.ul.stop();

    const fresh = open({ db_mode: 2 }, clock);
    await fresh.ul.start();
    try {
      const [got] = await fresh.loc.get("wb4");
      assert.deepEqual(got, { ...b, state: "CS_SYNC" } satisfies UContact);
      assert.equal(fresh.loc.userCount, 1);
    } finally {
      await fresh.ul.stop();
    }
  });

  test("expired bindings are removed from memory and from the table", async () => {
    await clearTable();
    const { ul, loc, clock } = open({ db_mode: 2 });
    const now = clock.sec();
    await loc.transact(
      "wb5",
      ops(
        { op: "insert", contact: makeBinding("wb5", "sip:wb5@a", now, { expires: now + 10 }) },
        { op: "insert", contact: makeBinding("wb5", "sip:wb5@b", now, { expires: now + 100 }) },
      ),
    );
    await ul.flush();
    assert.equal((await rows("wb5")).length, 2);
    clock.advance(50);
    await ul.runTimer();
    assert.deepEqual(
      (await loc.get("wb5")).map((c) => c.contact),
      ["sip:wb5@b"],
    );
    assert.deepEqual(
      (await rows("wb5")).map((r) => r.contact),
      ["sip:wb5@b"],
    );
    assert.equal(loc.expiresCount, 1);
  });
});

describe("usrloc db_mode 3 (database only)", () => {
  test("every read goes to the table and nothing is kept in memory", async () => {
    await clearTable();
    const { loc, clock } = open({ db_mode: 3, use_domain: 1 });
    const now = clock.sec();
    const b = makeBinding("carol@example.com", "sip:carol@10.0.0.9", now);
    await loc.transact("carol@example.com", ops({ op: "insert", contact: b }));
    const r = await rows("carol");
    assert.equal(r.length, 1);
    assert.equal(r[0].domain, "example.com");
    assert.equal(loc.userCount, 0);

    // A row written by someone else (another node, Kamailio) is seen at once.
    await tdb.db.insert(location).values({
      ruid: "uloc-other-node-1",
      username: "carol",
      domain: "example.com",
      contact: "sip:carol@10.0.0.10",
      expires: toSqlDateTime(new Date((now + 100) * 1000)),
      q: 1,
      callid: "other",
      cseq: 3,
      lastModified: toSqlDateTime(new Date(now * 1000)),
      methods: ALL_METHODS | 0,
    });
    const got = await loc.get("carol@example.com");
    assert.deepEqual(
      got.map((c) => c.contact),
      ["sip:carol@10.0.0.10", "sip:carol@10.0.0.9"],
    );
    assert.equal(got[0].methods, ALL_METHODS);
  });

  test("the timer deletes expired rows but keeps permanent ones", async () => {
    await clearTable();
    const { ul, loc, clock } = open({ db_mode: 3 });
    const now = clock.sec();
    await loc.transact(
      "dave",
      ops(
        { op: "insert", contact: makeBinding("dave", "sip:dave@a", now, { expires: now + 5 }) },
        { op: "insert", contact: makeBinding("dave", "sip:dave@b", now, { expires: 0 }) },
      ),
    );
    clock.advance(10);
    await ul.runTimer();
    assert.deepEqual(
      (await rows("dave")).map((r) => r.contact),
      ["sip:dave@b"],
    );
    assert.equal((await loc.get("dave"))[0].expires, 0, "the epoch reads back as permanent");
    assert.equal(loc.expiresCount, 1);
  });

  test("a transaction that cannot read the table reports a get error and changes nothing", async () => {
    const { loc, clock } = open({ db_mode: 3 });
    await tdb.pool.query("RENAME TABLE location TO location_away");
    try {
      const res = await loc.transact(
        "erin",
        ops({ op: "insert", contact: makeBinding("erin", "sip:e@h", clock.sec()) }),
      );
      assert.equal(res.error?.op, "get");
      assert.equal(res.decision, undefined);
    } finally {
      await tdb.pool.query("RENAME TABLE location_away TO location");
    }
    assert.equal((await rows("erin")).length, 0);
  });
});
