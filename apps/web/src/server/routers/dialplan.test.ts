import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcError } from "@switchboard/rpc";
import type { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { addDeadNode, startTestNode, type TestNode } from "../test-node";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
let node: TestNode;

before(async () => {
  t = await createTestDatabase();
  node = await startTestNode(t.db, "dp-node", {
    "dialplan.translate": ([dpid, input]) => {
      if (dpid !== 10) throw new RpcError(500, "Dialplan ID not matched");
      if (String(input).startsWith("00")) return { Output: `+${String(input).slice(2)}`, Attributes: "intl" };
      throw new RpcError(500, "No translation");
    },
  });
});
after(async () => {
  await node.close();
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

const rule = { dpid: 10, pr: 5, matchOp: 1 as const, matchExp: "^00", substExp: "^00(.*)$", replExp: "+\\1" };

test("rules are grouped by dpid and listed in the order the module tries them", async () => {
  const admin = await as("admin");
  await admin.dialplan.create({ ...rule, pr: 9, attrs: "late" });
  await admin.dialplan.create({ ...rule, attrs: "intl" });
  await admin.dialplan.create({
    ...rule,
    dpid: 2,
    pr: 1,
    matchOp: 0,
    matchExp: "112",
    substExp: "",
    replExp: "",
  });
  const viewer = await as("viewer");
  const all = await viewer.dialplan.list({});
  assert.deepEqual(
    all.rows.map((r) => [r.dpid, r.pr]),
    [
      [2, 1],
      [10, 5],
      [10, 9],
    ],
  );
  const only10 = await viewer.dialplan.list({ dpid: 10, sort: "pr", dir: "desc" });
  assert.deepEqual(
    only10.rows.map((r) => r.pr),
    [9, 5],
  );
  assert.deepEqual(await viewer.dialplan.dpids(), [
    { dpid: 2, rules: 1 },
    { dpid: 10, rules: 2 },
  ]);
});

test("a regex that does not compile is refused before it is saved, on its field", async () => {
  const admin = await as("admin");
  const err = await failure(admin.dialplan.create({ ...rule, matchExp: "^(00", replExp: "+\\3" }));
  assert.equal(err.code, "BAD_REQUEST");
  assert.ok(err.cause instanceof ZodError);
  const byField = Object.fromEntries(err.cause.issues.map((i) => [i.path.join("."), i.message]));
  assert.match(byField.matchExp, /^invalid regular expression: .*Unterminated group/);
  assert.equal(byField.replExp, "refers to \\3, but the substitution expression has 1 group");
});

test("operators and viewers cannot change the dialplan", async () => {
  assert.equal((await failure((await as("operator")).dialplan.create(rule))).code, "FORBIDDEN");
  assert.equal((await failure((await as("viewer")).dialplan.delete({ ids: [1] }))).code, "FORBIDDEN");
});

test("translate shows the node's Output/Attributes and the rule of the table that matched", async () => {
  const viewer = await as("viewer");
  const res = await viewer.dialplan.translate({ nodeId: node.id, dpid: 10, input: "004930123" });
  assert.equal(res.ok, true);
  assert.equal(res.output, "+4930123");
  assert.equal(res.attributes, "intl");
  assert.equal(res.table?.pr, 5, "the priority-5 rule is tried before the priority-9 one");
  assert.equal(res.table?.attrs, "intl");
  assert.equal(res.table?.output, "+4930123");
});

test("the node's refusal is an answer, and an unreachable node a readable error", async () => {
  const viewer = await as("viewer");
  const none = await viewer.dialplan.translate({ nodeId: node.id, dpid: 10, input: "49" });
  assert.equal(none.ok, false);
  assert.match(none.error ?? "", /No translation/);
  assert.equal(none.table, null);
  const dead = await addDeadNode(t.db, "dp-dead");
  const res = await viewer.dialplan.translate({ nodeId: dead, dpid: 10, input: "0049" });
  assert.equal(res.ok, false);
  assert.equal(res.node, "dp-dead");
  assert.match(res.error ?? "", /ECONNREFUSED|refused|connect/i);
  assert.equal(res.table?.output, "+49", "the table's answer still shows");
});

test("editing marks dialplan changed for every node", async () => {
  const admin = await as("admin");
  const { rows } = await admin.dialplan.list({ dpid: 2 });
  await admin.dialplan.update({ ...rule, id: rows[0].id, dpid: 2, pr: 3 });
  const status = await admin.reload.status({ module: "dialplan" });
  assert.ok(status.changedAt);
  assert.ok(status.nodes.every((n) => n.pending));
});
