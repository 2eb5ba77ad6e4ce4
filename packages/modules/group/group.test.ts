import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { rpcCall } from "../shared/testing.ts";
import { Group } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
  await tdb.db.insert(schema.grp).values([
    { username: "alice", domain: "a.example", grp: "local" },
    { username: "alice", domain: "a.example", grp: "ld" },
    { username: "bob", domain: "a.example", grp: "local" },
    { username: "carol", domain: "b.example", grp: "int" },
  ]);
  await tdb.db.insert(schema.reGrp).values([
    { regExp: "^sip:[0-9]+@a\\.example$", groupId: 10 },
    { regExp: "^sip:.*@A\\.EXAMPLE$", groupId: 20 },
    { regExp: "^sip:(", groupId: 30 },
  ]);
});
after(async () => {
  await tdb?.drop();
});

test("is_user_in: the kamctlrc ACL groups from the grp table, by user (use_domain 0) or user@domain", async () => {
  const g = new Group({ db: tdb.db, params: { cache_refresh: 0 } });
  const report = await g.load();
  assert.equal(report.issues.length, 1, "the bad re_grp row is reported");
  assert.ok(g.isUserIn("alice", "a.example", "ld"));
  assert.ok(
    g.isUserIn("Alice", "other.example", "LD"),
    "use_domain 0: any domain, case-insensitive like MariaDB",
  );
  assert.ok(!g.isUserIn("bob", "a.example", "ld"), "a user not in ld may not call the PSTN");
  assert.deepEqual(g.userGroups("alice", "a.example").sort(), ["ld", "local"]);

  const byDomain = new Group({ db: tdb.db, params: { use_domain: 1, cache_refresh: 0 } });
  await byDomain.load();
  assert.ok(byDomain.isUserIn("carol", "b.example", "int"));
  assert.ok(!byDomain.isUserIn("carol", "a.example", "int"));
});

test("get_user_group: re_grp expressions against sip:user@domain, case-insensitive", async () => {
  const g = new Group({ db: tdb.db, params: { cache_refresh: 0 } });
  await g.load();
  assert.deepEqual(g.getUserGroup("1234", "a.example"), [20, 10]);
  assert.deepEqual(g.getUserGroup("alice", "a.example"), [20]);
  assert.deepEqual(g.getUserGroup("", "a.example"), []);
  const first = new Group({ db: tdb.db, params: { multiple_gid: 0, cache_refresh: 0 } });
  await first.load();
  assert.deepEqual(first.getUserGroup("1234", "a.example"), [20]);
});

test("an edit of grp takes effect by itself (checksum polling) and through group.reload", async () => {
  const g = new Group({ db: tdb.db, params: { cache_refresh: 0.05 } });
  await g.load();
  try {
    await tdb.db.insert(schema.grp).values({ username: "dave", domain: "a.example", grp: "ld" });
    for (let i = 0; i < 200 && !g.isUserIn("dave", "a.example", "ld"); i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.ok(g.isUserIn("dave", "a.example", "ld"));
  } finally {
    g.stop();
  }
  await tdb.db.insert(schema.grp).values({ username: "erin", domain: "a.example", grp: "int" });
  const reg = new RpcRegistry();
  g.registerRpc(reg);
  const answer = (await rpcCall(reg, "group.reload")) as { warnings: string[] };
  assert.match(answer.warnings[0], /bad re/);
  assert.ok(g.isUserIn("erin", "a.example", "int"));
});
