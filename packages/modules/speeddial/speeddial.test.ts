import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { rpcCall } from "../shared/testing.ts";
import { SpeedDial } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
  await tdb.db.insert(schema.speedDial).values([
    {
      username: "alice",
      domain: "a.example",
      sdUsername: "11",
      sdDomain: "a.example",
      newUri: "sip:bob@a.example",
      fname: "Bob",
    },
    {
      username: "alice",
      domain: "b.example",
      sdUsername: "12",
      sdDomain: "b.example",
      newUri: "sip:+4930123@b.example",
    },
  ]);
});
after(async () => {
  await tdb?.drop();
});

test("sd_lookup: a 2-digit code of the owner gives the new R-URI", async () => {
  const sd = new SpeedDial({ db: tdb.db, params: { cache_refresh: 0 } });
  await sd.load();
  assert.deepEqual(sd.lookup("alice", "a.example", "11", "a.example"), {
    newUri: "sip:bob@a.example",
    fname: "Bob",
    lname: "",
    description: "",
  });
  assert.equal(sd.lookup("alice", "x.example", "12")?.newUri, "sip:+4930123@b.example", "use_domain 0");
  assert.equal(sd.lookup("bob", "a.example", "11"), null, "codes are per owner");
  assert.equal(sd.lookup("alice", "a.example", "99"), null);
});

test("use_domain 1 compares the owner's domain, 2 also the code's domain", async () => {
  const one = new SpeedDial({ db: tdb.db, params: { use_domain: 1, cache_refresh: 0 } });
  await one.load();
  assert.equal(one.lookup("alice", "x.example", "11"), null);
  assert.equal(one.lookup("alice", "A.EXAMPLE", "11", "other")?.newUri, "sip:bob@a.example");
  const two = new SpeedDial({ db: tdb.db, params: { use_domain: 2, cache_refresh: 0 } });
  await two.load();
  assert.equal(two.lookup("alice", "a.example", "11", "other"), null);
  assert.equal(two.lookup("alice", "a.example", "11", "a.example")?.newUri, "sip:bob@a.example");
});

test("edits take effect through speeddial.reload", async () => {
  const sd = new SpeedDial({ db: tdb.db, params: { cache_refresh: 0 } });
  await sd.load();
  await tdb.db
    .insert(schema.speedDial)
    .values({ username: "bob", domain: "a.example", sdUsername: "21", newUri: "sip:alice@a.example" });
  const reg = new RpcRegistry();
  sd.registerRpc(reg);
  assert.deepEqual(await rpcCall(reg, "speeddial.reload"), {});
  assert.equal(sd.lookup("bob", "a.example", "21")?.newUri, "sip:alice@a.example");
});
