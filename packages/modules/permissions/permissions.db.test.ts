import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { ReloadError } from "../shared/index.ts";
import { rpcCall, rpcFault } from "../shared/testing.ts";
import { Permissions } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

test("address and trusted tables load, match, dump with Kamailio's shapes, and reload after edits", async () => {
  await tdb.db.insert(schema.address).values([
    { grp: 1, ipAddr: "127.0.0.1", mask: 32, port: 0, tag: "local" },
    { grp: 1, ipAddr: "10.0.0.0", mask: 8, port: 5060 },
    { grp: 2, ipAddr: "2001:db8::", mask: 32, port: 0, tag: "v6" },
  ]);
  await tdb.db.insert(schema.trusted).values([
    {
      srcIp: "127.0.0.1",
      proto: "udp",
      fromPattern: "^sip:.*@example\\.com$",
      ruriPattern: null,
      tag: "ex",
      priority: 0,
    },
    { srcIp: "127.0.0.2", proto: "any", fromPattern: null, ruriPattern: null, tag: null, priority: 5 },
  ]);
  const perm = new Permissions({ db: tdb.db, params: { reload_delta: 0 } });
  await perm.load();
  assert.deepEqual(perm.allowSourceAddress(1, "127.0.0.1", 5060), { allowed: true, tag: "local" });
  assert.deepEqual(perm.allowSourceAddress(1, "10.9.8.7", 5060), { allowed: true, tag: null });
  assert.equal(perm.allowSourceAddress(1, "10.9.8.7", 5070).allowed, false);
  assert.equal(perm.allowSourceAddress(2, "2001:db8:ffff::1", 5060).tag, "v6");
  assert.equal(
    perm.allowTrusted("127.0.0.1", "udp", "sip:alice@example.com", "sip:bob@example.com").tag,
    "ex",
  );
  assert.equal(
    perm.allowTrusted("127.0.0.1", "udp", "sip:alice@example.org", "sip:bob@example.com").allowed,
    false,
  );
  assert.equal(perm.allowTrusted("127.0.0.2", "tcp", "sip:x@y", "sip:z@w").allowed, true);

  const reg = new RpcRegistry();
  perm.registerRpc(reg);
  assert.deepEqual(await rpcCall(reg, "permissions.addressDump"), [
    { table: 98, group: 1, item: { ip: "127.0.0.1", port: 0, tag: "local" } },
  ]);
  assert.deepEqual(await rpcCall(reg, "permissions.subnetDump"), [
    { id: 0, group: 1, item: { ip: "10.0.0.0", mask: 8, port: 5060, tag: "" } },
    { id: 1, group: 2, item: { ip: "2001:db8::", mask: 32, port: 0, tag: "v6" } },
  ]);
  // A JSON array (Kamailio prints one object with repeated keys), ordered by hash slot like Kamailio.
  assert.deepEqual(await rpcCall(reg, "permissions.trustedDump"), [
    {
      table: 20,
      item: { ip: "127.0.0.2", proto: 0, pattern: "NULL", ruri_pattern: "NULL", tag: "NULL", priority: 5 },
    },
    {
      table: 23,
      item: {
        ip: "127.0.0.1",
        proto: 1,
        pattern: "^sip:.*@example\\.com$",
        ruri_pattern: "NULL",
        tag: "ex",
        priority: 0,
      },
    },
  ]);

  await tdb.db.insert(schema.address).values({ grp: 1, ipAddr: "192.0.2.50", mask: 32, port: 0, tag: null });
  assert.equal(perm.allowSourceAddress(1, "192.0.2.50", 5060).allowed, false, "not before the reload");
  assert.equal(await rpcCall(reg, "permissions.addressReload"), "Reload OK");
  assert.equal(perm.allowSourceAddress(1, "192.0.2.50", 5060).allowed, true);
  await tdb.db.insert(schema.trusted).values({ srcIp: "192.0.2.60", proto: "xyz", priority: 0 });
  assert.match(
    String(await rpcCall(reg, "permissions.trustedReload")),
    /^Reload OK\. Warnings: id \d+: unknown protocol xyz$/,
  );
});

test("a failed reload keeps the entries in use and answers Reload failed.", async () => {
  const other = await createTestDatabase();
  try {
    await other.db.insert(schema.address).values({ grp: 1, ipAddr: "192.0.2.1", mask: 32, port: 0 });
    const perm = new Permissions({ db: other.db });
    await perm.load();
    await other.pool.query("DROP TABLE address");
    await assert.rejects(perm.address.reload(), ReloadError);
    assert.equal(perm.allowSourceAddress(1, "192.0.2.1", 5060).allowed, true);
    const reg = new RpcRegistry();
    perm.registerRpc(reg);
    assert.equal(await rpcFault(reg, "permissions.addressReload", []), "500 Reload failed.");
    assert.equal(
      await rpcFault(reg, "permissions.trustedReload", []),
      "500 ongoing reload",
      "reload_delta 5 s",
    );
  } finally {
    await other.drop();
  }
});
