import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sbAudit } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcError } from "@switchboard/rpc";
import type { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { addDeadNode, startTestNode, type TestNode } from "../test-node";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
let node: TestNode;

before(async () => {
  t = await createTestDatabase();
  node = await startTestNode(t.db, "rpc-node", {
    "core.version": () => "sipd 0.1.0",
    "dispatcher.reload": () => "Ok. Dispatcher successfully reloaded.",
    "ul.rm": () => undefined,
    "core.kill": () => undefined,
    "htable.get": ([table]) => {
      throw new RpcError(500, `no such table ${table}`);
    },
  });
});
after(async () => {
  await node.close();
  await t.drop();
});

async function as(role: "admin" | "operator" | "viewer") {
  const ctx = await testContext(t.db, { role });
  return { caller: createCaller(ctx), username: ctx.session!.username };
}

async function failure(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    return e as TRPCError;
  }
  assert.fail("expected the call to fail");
}

test("the method list comes from the node with the role each method needs", async () => {
  const { caller } = await as("viewer");
  const res = await caller.rpc.methods({ nodeId: node.id });
  assert.equal(res.ok, true);
  const roles = Object.fromEntries(res.methods.map((m) => [m.name, m.role]));
  assert.equal(roles["system.listMethods"], "viewer");
  assert.equal(roles["core.version"], "viewer");
  assert.equal(roles["dispatcher.reload"], "operator");
  assert.equal(roles["ul.rm"], "admin");
  assert.equal(roles["core.kill"], "admin");
  assert.equal(await caller.rpc.help({ nodeId: node.id, method: "core.version" }), "test core.version");
  assert.deepEqual(await caller.rpc.nodes(), [{ id: node.id, name: "rpc-node", kind: "sipd" }]);
});

test("a viewer sends read-only commands only; the refusal is audited", async () => {
  const { caller, username } = await as("viewer");
  const ok = await caller.rpc.send({ nodeId: node.id, method: "core.version", params: [] });
  assert.deepEqual([ok.ok, ok.result], [true, "sipd 0.1.0"]);
  const err = await failure(
    caller.rpc.send({ nodeId: node.id, method: "ul.rm", params: ["location", "a@b"] }),
  );
  assert.equal(err.code, "FORBIDDEN");
  assert.equal(err.message, "ul.rm needs the admin role in the RPC console (you are viewer)");
  assert.equal(err.code, "FORBIDDEN");
  assert.equal(
    (await failure(caller.rpc.send({ nodeId: node.id, method: "dispatcher.reload" }))).code,
    "FORBIDDEN",
  );
  assert.ok(!node.calls.some((c) => c.method === "ul.rm"), "the node never saw the refused command");
  const rows = await t.db.select().from(sbAudit).where(eq(sbAudit.username, username));
  assert.deepEqual(rows.map((r) => [r.action, r.node, r.ok]).sort(), [
    ["rpc.send", null, false],
    ["rpc.send", null, false],
    ["rpc.send", null, true],
    ["rpc:core.version", "rpc-node", true],
  ]);
});

test("an operator reloads; an admin sends anything, params passed positionally", async () => {
  const { caller: op } = await as("operator");
  assert.equal((await op.rpc.send({ nodeId: node.id, method: "dispatcher.reload" })).ok, true);
  assert.equal((await failure(op.rpc.send({ nodeId: node.id, method: "core.kill" }))).code, "FORBIDDEN");
  const { caller: admin } = await as("admin");
  await admin.rpc.send({ nodeId: node.id, method: "ul.rm", params: ["location", "alice@example.com"] });
  assert.deepEqual(node.calls.at(-1), { method: "ul.rm", params: ["location", "alice@example.com"] });
});

test("node faults and unreachable nodes come back as readable errors, audited as failed", async () => {
  const { caller, username } = await as("admin");
  const fault = await caller.rpc.send({ nodeId: node.id, method: "htable.get", params: ["nope"] });
  assert.equal(fault.ok, false);
  assert.match(fault.error ?? "", /no such table nope/);
  const dead = await addDeadNode(t.db, "rpc-dead");
  const down = await caller.rpc.send({ nodeId: dead, method: "core.version" });
  assert.equal(down.ok, false);
  assert.match(down.error ?? "", /ECONNREFUSED|refused|connect/i);
  const methods = await caller.rpc.methods({ nodeId: dead });
  assert.equal(methods.ok, false);
  const audit = await t.db
    .select()
    .from(sbAudit)
    .where(and(eq(sbAudit.username, username), eq(sbAudit.action, "rpc:core.version")));
  assert.deepEqual(
    audit.map((a) => [a.node, a.ok]),
    [["rpc-dead", false]],
  );
  assert.equal((await failure(caller.rpc.send({ nodeId: 99999, method: "core.version" }))).code, "NOT_FOUND");
});
