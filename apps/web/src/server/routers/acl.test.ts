import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { address, trusted } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import type { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { ZodError } from "zod";
import { FieldErrors } from "../errors";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const as = async (role: "admin" | "operator" | "viewer") => createCaller(await testContext(t.db, { role }));

async function failure(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    return e as TRPCError;
  }
  assert.fail("expected the call to fail");
}

const issues = (e: TRPCError) =>
  e.cause instanceof ZodError
    ? Object.fromEntries(e.cause.issues.map((i) => [i.path.join("."), i.message]))
    : {};

test("operators manage group membership; a duplicate names the account and group", async () => {
  const op = await as("operator");
  await op.acl.groups.create({ username: "alice", domain: "example.com", grp: "intl" });
  await op.acl.groups.create({ username: "alice", domain: "example.com", grp: "local" });
  const err = await failure(op.acl.groups.create({ username: "alice", domain: "example.com", grp: "intl" }));
  assert.equal(err.code, "CONFLICT");
  assert.ok(err.cause instanceof FieldErrors);
  assert.deepEqual(err.cause.fields, { grp: "alice@example.com is already in group intl" });
  const viewer = await as("viewer");
  assert.equal(
    (await failure(viewer.acl.groups.create({ username: "bob", domain: "example.com", grp: "intl" }))).code,
    "FORBIDDEN",
  );
  assert.deepEqual(await viewer.acl.groups.names(), ["intl", "local"]);
});

test("membership of one subscriber: its groups and the regex groups its URI matches", async () => {
  const op = await as("operator");
  await op.acl.reGroups.create({ regExp: "^sip:ali.*@example\\.com$", groupId: 3 });
  await op.acl.reGroups.create({ regExp: "^sip:bob@", groupId: 4 });
  await op.acl.reGroups.create({ regExp: "^SIP:ALICE@", groupId: 5 });
  const m = await (await as("viewer")).acl.groups.membership({ username: "alice", domain: "example.com" });
  assert.equal(m.uri, "sip:alice@example.com");
  assert.deepEqual(
    m.groups.map((g) => g.grp),
    ["intl", "local"],
  );
  assert.deepEqual(
    m.regexGroups.map((g) => g.groupId),
    [3, 5],
    "case-insensitive, as the group module compiles them",
  );
});

test("a bad regular expression group is refused on its field", async () => {
  const err = await failure((await as("operator")).acl.reGroups.create({ regExp: "^sip:(", groupId: 1 }));
  assert.match(issues(err).regExp, /^invalid regular expression: /);
});

test("address rows: CIDR checked, tag stored as NULL when empty, permissions marked changed", async () => {
  const op = await as("operator");
  const bad = await failure(op.acl.address.create({ grp: 1, ipAddr: "10.1.2.3", mask: 8, port: 5060 }));
  assert.deepEqual(issues(bad), { ipAddr: "10.1.2.3/8 has host bits set; the network is 10.0.0.0/8" });
  const badMask = await failure(op.acl.address.create({ grp: 1, ipAddr: "2001:db8::", mask: 129 }));
  assert.deepEqual(issues(badMask), { mask: "mask must be 0-128 for IPv6" });
  const badPort = await failure(op.acl.address.create({ grp: 1, ipAddr: "10.0.0.0", mask: 8, port: 65536 }));
  assert.deepEqual(issues(badPort), { port: "port must be 0-65535 (0 = any)" });

  const { id } = await op.acl.address.create({ grp: 1, ipAddr: "10.0.0.0", mask: 8, port: 5060, tag: "" });
  const [row] = await t.db.select().from(address).where(eq(address.id, id));
  assert.equal(row.tag, null);
  await op.acl.address.create({ grp: 2, ipAddr: "2001:db8::", mask: 32, tag: "v6" });
  const status = await op.reload.status({ module: "permissions" });
  assert.ok(status.changedAt);
  const list = await op.acl.address.list({ grp: 2 });
  assert.deepEqual(
    list.rows.map((r) => r.ipAddr),
    ["2001:db8::"],
  );
});

test("trusted rows: source IP and protocol validated, empty patterns stored as NULL", async () => {
  const op = await as("operator");
  const err = await failure(op.acl.trusted.create({ srcIp: "gw.example.com", proto: "udp" }));
  assert.deepEqual(issues(err), { srcIp: "source IP must be an IPv4 or IPv6 address" });
  const { id } = await op.acl.trusted.create({
    srcIp: "192.0.2.20",
    proto: "tcp",
    ruriPattern: "^sip:+\\{0,1\\}49",
    tag: "carrier",
    priority: 2,
  });
  const [row] = await t.db.select().from(trusted).where(eq(trusted.id, id));
  assert.equal(row.fromPattern, null);
  assert.equal(row.ruriPattern, "^sip:+\\{0,1\\}49");
  const found = await op.acl.trusted.list({ search: "carr" });
  assert.equal(found.rows.length, 1);
});

test("group lists page and search by user@domain", async () => {
  const op = await as("operator");
  for (let i = 0; i < 12; i++)
    await op.acl.groups.create({ username: `u${i}`, domain: "page.example", grp: "g" });
  const p1 = await op.acl.groups.list({ search: "@page.example", pageSize: 10, sort: "username" });
  assert.equal(p1.rows.length, 10);
  assert.equal(p1.hasNext, true);
  const p2 = await op.acl.groups.list({ search: "@page.example", pageSize: 10, page: 2, sort: "username" });
  assert.equal(p2.rows.length, 2);
  assert.equal(p2.hasNext, false);
  const one = await op.acl.groups.list({ search: "u3@page" });
  assert.deepEqual(
    one.rows.map((r) => r.username),
    ["u3"],
  );
});
