import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { rpcCall } from "../shared/testing.ts";
import { AliasDb } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
  await tdb.db.insert(schema.dbaliases).values([
    { aliasUsername: "sales", aliasDomain: "a.example", username: "alice", domain: "a.example" },
    { aliasUsername: "sales", aliasDomain: "a.example", username: "bob", domain: "a.example" },
    { aliasUsername: "4711", aliasDomain: "b.example", username: "carol", domain: "b.example" },
  ]);
});
after(async () => {
  await tdb?.drop();
});

test("alias_db_lookup maps an alias to its subscribers in table order; reverse gives the aliases", async () => {
  const a = new AliasDb({ db: tdb.db, params: { cache_refresh: 0 } });
  await a.load();
  assert.deepEqual(
    a.lookup("SALES", "whatever.example").map((t) => t.uri),
    ["sip:alice@a.example", "sip:bob@a.example"],
  );
  assert.deepEqual(a.lookup("4711", "b.example")[0], {
    user: "carol",
    domain: "b.example",
    uri: "sip:carol@b.example",
  });
  assert.deepEqual(a.lookup("nobody", "a.example"), []);
  assert.deepEqual(
    a.reverse("carol", "b.example").map((t) => t.uri),
    ["sip:4711@b.example"],
  );
  assert.deepEqual(
    a.lookup("4711", "a.example", { useDomain: true }),
    [],
    "use_domain: the alias domain must match",
  );
});

test("use_domain and domain_prefix", async () => {
  const a = new AliasDb({ db: tdb.db, params: { use_domain: 1, domain_prefix: "sip.", cache_refresh: 0 } });
  await a.load();
  assert.equal(a.lookup("4711", "sip.b.example")[0]?.user, "carol");
  assert.deepEqual(a.lookup("4711", "a.example"), []);
});

test("edits take effect through alias_db.reload", async () => {
  const a = new AliasDb({ db: tdb.db, params: { cache_refresh: 0 } });
  await a.load();
  await tdb.db
    .insert(schema.dbaliases)
    .values({ aliasUsername: "help", aliasDomain: "a.example", username: "bob", domain: "a.example" });
  const reg = new RpcRegistry();
  a.registerRpc(reg);
  assert.deepEqual(await rpcCall(reg, "alias_db.reload"), {});
  assert.equal(a.lookup("help", "a.example")[0]?.user, "bob");
});
