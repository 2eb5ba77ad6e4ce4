/** Aliases, speed dials, domains with reload tracking, nodes, admins and the audit log, against MariaDB. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sbAdmin, sbNode } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { createRpcServer, RpcError, RpcRegistry, type RpcServer } from "@switchboard/rpc";
import { eq } from "drizzle-orm";
import { FieldErrors } from "../errors";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
let node: RpcServer;
let failReload = false;
const calls: string[] = [];

before(async () => {
  t = await createTestDatabase();
  const registry = new RpcRegistry();
  const method = (name: string, result: unknown) =>
    registry.register({
      name,
      doc: name,
      handler: () => {
        calls.push(name);
        if (name === "domain.reload" && failReload) throw new RpcError(500, "Reload failed");
        return result;
      },
    });
  method("domain.reload", {});
  method("core.version", "sipd 0.1.0 (x86_64/linux)");
  method("core.uptime", {
    now: "Mon Nov 23 10:00:00 2026",
    up_since: "Mon Nov 23 09:00:00 2026",
    uptime: 3600,
  });
  node = await createRpcServer({ registry, listen: "127.0.0.1:0" });
});
after(async () => {
  await node.close();
  await t.drop();
});

const as = async (role: "admin" | "operator" | "viewer") => {
  const ctx = await testContext(t.db, { role });
  return { ctx, caller: createCaller(ctx) };
};

test("a second alias row for the same alias is refused, naming the current target", async () => {
  const { caller } = await as("operator");
  const a = { aliasUsername: "sales", aliasDomain: "example.com", username: "alice", domain: "example.com" };
  const { id } = await caller.aliases.create(a);
  const err = await caller.aliases.create({ ...a, username: "bob" }).then(
    () => null,
    (e) => e,
  );
  assert.equal(err?.code, "CONFLICT");
  assert.ok(err.cause instanceof FieldErrors);
  assert.deepEqual(err.cause.fields, {
    aliasUsername: "sales@example.com already points to alice@example.com",
  });
  // Saving the row itself again is not a conflict with itself.
  await caller.aliases.update({ id, ...a, username: "carol" });
  const list = await caller.aliases.list({ username: "carol" });
  assert.deepEqual(
    list.rows.map((r) => r.aliasUsername),
    ["sales"],
  );
});

test("a duplicate speed dial is a CONFLICT on the short number", async () => {
  const { caller } = await as("operator");
  const sd = {
    username: "alice",
    domain: "example.com",
    sdUsername: "11",
    sdDomain: "example.com",
    newUri: "sip:bob@example.com",
  };
  await caller.speeddial.create(sd);
  await assert.rejects(caller.speeddial.create(sd), (e: { code: string; cause: FieldErrors }) => {
    assert.equal(e.code, "CONFLICT");
    assert.deepEqual(e.cause.fields, { sdUsername: "speed dial 11 already exists for alice@example.com" });
    return true;
  });
  await assert.rejects(caller.speeddial.create({ ...sd, sdUsername: "12", newUri: "bob" }), {
    code: "BAD_REQUEST",
  });
});

test("a domain change is pending on every enabled node until domain.reload succeeded there", async () => {
  const { caller } = await as("admin");
  const [live] = await t.db.insert(sbNode).values({ name: "live", url: node.url }).$returningId();
  const [dead] = await t.db
    .insert(sbNode)
    .values({ name: "dead", url: "http://127.0.0.1:1/RPC" })
    .$returningId();
  try {
    await caller.domains.create({ domain: "new.example.com", did: "" });
    await assert.rejects(caller.domains.create({ domain: "new.example.com", did: "" }), {
      code: "CONFLICT",
      message: "domain new.example.com already exists",
    });
    let status = await caller.reload.status({ module: "domain" });
    assert.ok(status.changedAt);
    assert.deepEqual(
      status.nodes.map((n) => [n.name, n.pending]),
      [
        ["dead", true],
        ["live", true],
      ],
    );

    const { nodes } = await caller.reload.run({ module: "domain" });
    assert.deepEqual(
      nodes.map((n) => [n.node, n.ok]),
      [
        ["dead", false],
        ["live", true],
      ],
    );
    status = await caller.reload.status({ module: "domain" });
    assert.deepEqual(
      status.nodes.map((n) => [n.name, n.pending]),
      [
        ["dead", true],
        ["live", false],
      ],
    );

    // A reload that fails on the node leaves it pending.
    await caller.domains.attrs.create({ did: "new.example.com", name: "max", type: 0, value: "5" });
    failReload = true;
    const again = await caller.reload.run({ module: "domain" });
    assert.match(again.nodes.find((n) => n.node === "live")?.error ?? "", /Reload failed/);
    status = await caller.reload.status({ module: "domain" });
    assert.equal(status.nodes.find((n) => n.name === "live")?.pending, true);
  } finally {
    failReload = false;
    await t.db.delete(sbNode).where(eq(sbNode.id, live.id));
    await t.db.delete(sbNode).where(eq(sbNode.id, dead.id));
  }
});

test("an integer domain attribute needs a whole number", async () => {
  const { caller } = await as("admin");
  await assert.rejects(caller.domains.attrs.create({ did: "d", name: "n", type: 0, value: "five" }), {
    code: "BAD_REQUEST",
  });
});

test("node tokens are never listed, and an edit with an empty token keeps it", async () => {
  const { caller } = await as("admin");
  const { id } = await caller.nodes.create({
    name: "tok",
    url: node.url,
    protocol: "jsonrpc",
    kind: "sipd",
    token: "s3cret",
    enabled: true,
  });
  const listed = (await caller.nodes.list({ search: "tok" })).rows[0];
  assert.equal(listed.hasToken, true);
  assert.ok(!("token" in listed));
  await caller.nodes.update({
    id,
    name: "tok",
    url: node.url,
    protocol: "xmlrpc",
    kind: "sipd",
    token: "",
    enabled: true,
  });
  const [row] = await t.db.select().from(sbNode).where(eq(sbNode.id, id));
  assert.equal(row.token, "s3cret");
  assert.equal(row.protocol, "xmlrpc");
  await caller.nodes.delete({ ids: [id] });
});

test("the health check reports version and uptime, or why the node is unreachable", async () => {
  const { caller } = await as("viewer");
  const [up] = await t.db.insert(sbNode).values({ name: "up", url: node.url }).$returningId();
  const [down] = await t.db
    .insert(sbNode)
    .values({ name: "down", url: "http://127.0.0.1:1/RPC" })
    .$returningId();
  try {
    const ok = await caller.nodes.health({ id: up.id });
    assert.deepEqual(ok, {
      ok: true,
      version: "sipd 0.1.0 (x86_64/linux)",
      uptime: { now: "Mon Nov 23 10:00:00 2026", up_since: "Mon Nov 23 09:00:00 2026", uptime: 3600 },
    });
    const bad = await caller.nodes.health({ id: down.id });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.error, /unreachable/);
  } finally {
    await t.db.delete(sbNode);
  }
});

test("the last admin can be neither demoted nor deleted, and nobody deletes themselves", async () => {
  const db = await createTestDatabase();
  try {
    const ctx = await testContext(db.db, { role: "admin" });
    const caller = createCaller(ctx);
    const me = ctx.session!.adminId;
    await assert.rejects(caller.admins.delete({ ids: [me] }), {
      message: "you cannot delete your own account",
    });
    await assert.rejects(
      caller.admins.update({ id: me, username: ctx.session!.username, role: "viewer", password: "" }),
      {
        message: "the last admin cannot lose the admin role",
      },
    );
    const { id: other } = await caller.admins.create({
      username: "second",
      password: "second-password",
      role: "admin",
    });
    await assert.rejects(
      caller.admins.create({ username: "second", password: "second-password", role: "viewer" }),
      {
        code: "CONFLICT",
        message: "admin second already exists",
      },
    );
    await caller.admins.update({ id: other, username: "second", role: "operator", password: "" });
    await assert.rejects(caller.admins.delete({ ids: [other, me] }), { code: "PRECONDITION_FAILED" });
    await caller.admins.delete({ ids: [other] });
    const rows = await db.db.select().from(sbAdmin);
    assert.deepEqual(
      rows.map((r) => r.id),
      [me],
    );
  } finally {
    await db.drop();
  }
});

test("unlock clears a lockout", async () => {
  const { caller } = await as("admin");
  const { id } = await caller.admins.create({
    username: "locked1",
    password: "locked-password",
    role: "viewer",
  });
  await t.db
    .update(sbAdmin)
    .set({ failedLogins: 5, lockedUntil: "2099-01-01 00:00:00" })
    .where(eq(sbAdmin.id, id));
  await caller.admins.unlock({ id });
  const [row] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.id, id));
  assert.equal(row.failedLogins, 0);
  assert.equal(row.lockedUntil, null);
});

test("the audit log filters by admin, action prefix, node, outcome and time, newest first", async () => {
  const { ctx, caller } = await as("admin");
  const me = ctx.session!.username;
  await caller.aliases.create({
    aliasUsername: "aud1",
    aliasDomain: "example.com",
    username: "a",
    domain: "example.com",
  });
  await caller.aliases.create({
    aliasUsername: "aud2",
    aliasDomain: "example.com",
    username: "a",
    domain: "example.com",
  });
  await caller.aliases
    .create({ aliasUsername: "aud1", aliasDomain: "example.com", username: "b", domain: "example.com" })
    .catch(() => {});
  const mine = await caller.audit.list({ username: me });
  assert.deepEqual(
    mine.rows.map((r) => [r.action, r.target, r.ok]),
    [
      ["aliases.create", "aud1@example.com -> b@example.com", false],
      ["aliases.create", "aud2@example.com -> a@example.com", true],
      ["aliases.create", "aud1@example.com -> a@example.com", true],
    ],
  );
  assert.equal((await caller.audit.list({ username: me, ok: "failed" })).rows.length, 1);
  assert.equal((await caller.audit.list({ username: me, action: "aliases." })).rows.length, 3);
  assert.equal((await caller.audit.list({ username: me, action: "subscribers." })).rows.length, 0);
  assert.equal((await caller.audit.list({ username: me, search: "aud2" })).rows.length, 1);
  assert.equal(
    (await caller.audit.list({ username: me, from: "2000-01-01T00:00", to: "2000-01-02" })).rows.length,
    0,
  );
  assert.equal(
    (await caller.audit.list({ username: me, from: "2000-01-01", to: "2999-12-31T23:59" })).rows.length,
    3,
  );
  assert.equal((await caller.audit.list({ username: me, node: "nowhere" })).rows.length, 0);
});
