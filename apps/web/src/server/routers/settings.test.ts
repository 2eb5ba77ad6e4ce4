import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sbAudit, usrPreferences } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcError } from "@switchboard/rpc";
import type { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { ZodError } from "zod";
import { FieldErrors } from "../errors";
import { addDeadNode, startTestNode, type TestNode } from "../test-node";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
let node: TestNode;
let other: TestNode;
const cfg: Record<string, Record<string, string | number>> = {
  pstn: { gw_ip: "", gw_port: "" },
  tm: { fr_timer: 30000 },
};

function cfgMethods() {
  return {
    "cfg.list": () => Object.entries(cfg).flatMap(([g, vars]) => Object.keys(vars).map((n) => `${g}: ${n}`)),
    "cfg.get": ([group]: unknown[]) => cfg[String(group)],
    "cfg.help": () => ["PSTN GW Address", "(parameter type is string)"],
    "cfg.set": ([group, name, value]: unknown[]) => {
      if (name === "fr_timer" && Number(value) < 100)
        throw new RpcError(400, "Failed to set the variable: below the minimum 100");
      cfg[String(group)][String(name)] = value as string | number;
    },
  };
}

before(async () => {
  t = await createTestDatabase();
  node = await startTestNode(t.db, "cfg-a", cfgMethods());
  other = await startTestNode(t.db, "cfg-b", cfgMethods());
});
after(async () => {
  await node.close();
  await other.close();
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

test("settings list every cfg variable with its value and type", async () => {
  const res = await (await as("viewer")).settings.list({ nodeId: node.id });
  assert.equal(res.ok, true);
  assert.deepEqual(res.vars, [
    { group: "pstn", name: "gw_ip", value: "", type: "string" },
    { group: "pstn", name: "gw_port", value: "", type: "string" },
    { group: "tm", name: "fr_timer", value: "30000", type: "int" },
  ]);
  assert.equal(
    await (await as("viewer")).settings.help({ nodeId: node.id, group: "pstn", name: "gw_ip" }),
    "PSTN GW Address (parameter type is string)",
  );
});

test("an unreachable node gives a readable error instead of a list", async () => {
  const dead = await addDeadNode(t.db, "cfg-dead");
  const res = await (await as("viewer")).settings.list({ nodeId: dead });
  assert.equal(res.ok, false);
  assert.match(res.error ?? "", /ECONNREFUSED|refused|connect/i);
  assert.deepEqual(res.vars, []);
});

test("an admin sets the PSTN gateway on every node; integers travel as numbers", async () => {
  const admin = await as("admin");
  node.calls.length = 0;
  other.calls.length = 0;
  const res = await admin.settings.set({
    nodeId: node.id,
    allNodes: true,
    group: "pstn",
    name: "gw_ip",
    type: "string",
    value: "192.0.2.5",
  });
  assert.deepEqual(
    res.nodes.filter((n) => n.ok).map((n) => n.node),
    ["cfg-a", "cfg-b"],
  );
  assert.equal(res.nodes.find((n) => n.node === "cfg-dead")?.ok, false, "the dead node is reported");
  assert.deepEqual(other.calls, [{ method: "cfg.set", params: ["pstn", "gw_ip", "192.0.2.5"] }]);
  await admin.settings.set({ nodeId: node.id, group: "tm", name: "fr_timer", type: "int", value: "5000" });
  assert.deepEqual(node.calls.at(-1), { method: "cfg.set", params: ["tm", "fr_timer", 5000] });
  const audit = await t.db.select().from(sbAudit).where(eq(sbAudit.action, "rpc:cfg.set"));
  assert.ok(audit.length >= 3);
});

test("bad values are refused on the value field: by the schema, or by the node", async () => {
  const admin = await as("admin");
  const base = { nodeId: node.id, group: "pstn", name: "gw_port", type: "string" as const };
  const err = await failure(admin.settings.set({ ...base, value: "99999" }));
  assert.ok(err.cause instanceof ZodError);
  assert.equal(err.cause.issues[0].message, "expected a port 1-65535 (or empty)");
  const refused = await failure(
    admin.settings.set({ nodeId: node.id, group: "tm", name: "fr_timer", type: "int", value: "5" }),
  );
  assert.equal(refused.code, "BAD_REQUEST");
  assert.ok(refused.cause instanceof FieldErrors);
  assert.match(refused.cause.fields.value, /^cfg-a: .*Failed to set the variable: below the minimum 100/);
});

test("only admins set values", async () => {
  const input = {
    nodeId: node.id,
    group: "pstn",
    name: "gw_ip",
    type: "string" as const,
    value: "x.example",
  };
  assert.equal((await failure((await as("operator")).settings.set(input))).code, "FORBIDDEN");
  assert.equal((await failure((await as("viewer")).settings.set(input))).code, "FORBIDDEN");
});

test("user preferences: operators edit, integers checked, search by user@domain", async () => {
  const op = await as("operator");
  const bad = await failure(
    op.preferences.create({ username: "alice", domain: "x.example", attribute: "n", type: 1, value: "ten" }),
  );
  assert.ok(bad.cause instanceof ZodError);
  assert.deepEqual(
    bad.cause.issues.map((i) => [i.path.join("."), i.message]),
    [["value", "an integer preference needs a whole number"]],
  );
  const { id } = await op.preferences.create({
    username: "alice",
    domain: "x.example",
    attribute: "cfu",
    type: 0,
    value: "sip:vm@x.example",
  });
  await op.preferences.create({
    username: "bob",
    domain: "x.example",
    attribute: "cfu",
    type: 0,
    value: "sip:b@x",
  });
  const [row] = await t.db.select().from(usrPreferences).where(eq(usrPreferences.id, id));
  assert.notEqual(row.lastModified, "2000-01-01 00:00:01");
  const viewer = await as("viewer");
  assert.deepEqual(
    (await viewer.preferences.list({ search: "alice@x" })).rows.map((r) => r.attribute),
    ["cfu"],
  );
  assert.deepEqual(await viewer.preferences.attributes(), ["cfu"]);
  assert.equal((await failure(viewer.preferences.delete({ ids: [id] }))).code, "FORBIDDEN");
  await op.preferences.delete({ ids: [id] });
  assert.equal((await viewer.preferences.list({ search: "alice" })).rows.length, 0);
});
