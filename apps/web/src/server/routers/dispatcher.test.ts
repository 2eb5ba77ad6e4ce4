import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dispatcher, sbAudit } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcError } from "@switchboard/rpc";
import type { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { ZodError } from "zod";
import { addDeadNode, startTestNode, type TestNode } from "../test-node";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
let node: TestNode;
let loaded: { setid: number; uri: string; flags: string }[] = [];

before(async () => {
  t = await createTestDatabase();
  node = await startTestNode(t.db, "ds-node", {
    "dispatcher.list": () => {
      if (loaded.length === 0) throw new RpcError(500, "No Destination Sets");
      return {
        NRSETS: 1,
        RECORDS: [
          {
            SET: {
              ID: loaded[0].setid,
              TARGETS: loaded.map((d) => ({ DEST: { URI: d.uri, FLAGS: d.flags, PRIORITY: 0 } })),
            },
          },
        ],
      };
    },
    "dispatcher.set_state": () => "Ok. Dispatcher state updated.",
    "dispatcher.reload": () => "Ok. Dispatcher successfully reloaded.",
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

test("an admin creates a destination; attrs are built from the helper fields", async () => {
  const admin = await as("admin");
  const { id } = await admin.dispatcher.create({
    setid: 7,
    destination: "sip:10.0.0.1:5060",
    priority: 5,
    duid: "gw1",
    weight: 60,
    otherAttrs: "socket=udp:127.0.0.1:5060",
    description: "first",
  });
  const [row] = await t.db.select().from(dispatcher).where(eq(dispatcher.id, id));
  assert.equal(row.attrs, "duid=gw1;weight=60;socket=udp:127.0.0.1:5060");
  assert.equal(row.flags, 0);
});

test("operators and viewers cannot edit the table; viewers cannot set states", async () => {
  const input = { setid: 7, destination: "sip:10.0.0.2" };
  assert.equal((await failure((await as("operator")).dispatcher.create(input))).code, "FORBIDDEN");
  assert.equal((await failure((await as("viewer")).dispatcher.create(input))).code, "FORBIDDEN");
  const state = { setid: 7, destination: "sip:10.0.0.1:5060", state: "inactive" as const };
  assert.equal((await failure((await as("viewer")).dispatcher.setState(state))).code, "FORBIDDEN");
});

test("a bad destination URI or weight is refused with field messages", async () => {
  const admin = await as("admin");
  const err = await failure(admin.dispatcher.create({ setid: 1, destination: "10.0.0.1", weight: 0 }));
  assert.equal(err.code, "BAD_REQUEST");
  assert.ok(err.cause instanceof ZodError);
  const byField = Object.fromEntries(err.cause.issues.map((i) => [i.path.join("."), i.message]));
  assert.deepEqual(byField, {
    destination: "destination must start with sip: or sips:",
    weight: "weight must be 1-100",
  });
});

test("lists page without counting, filter by set and search by destination prefix", async () => {
  const admin = await as("admin");
  for (let i = 0; i < 27; i++)
    await admin.dispatcher.create({ setid: 9, destination: `sip:192.0.2.${i + 1}` });
  const viewer = await as("viewer");
  const p1 = await viewer.dispatcher.list({ setid: 9, pageSize: 25, sort: "destination" });
  assert.equal(p1.rows.length, 25);
  assert.equal(p1.hasNext, true);
  const p2 = await viewer.dispatcher.list({ setid: 9, pageSize: 25, page: 2, sort: "destination" });
  assert.equal(p2.rows.length, 2);
  assert.equal(p2.hasNext, false);
  const found = await viewer.dispatcher.list({ search: "192.0.2.2" });
  assert.deepEqual(found.rows.map((r) => r.destination).sort(), [
    "sip:192.0.2.2",
    "sip:192.0.2.20",
    "sip:192.0.2.21",
    "sip:192.0.2.22",
    "sip:192.0.2.23",
    "sip:192.0.2.24",
    "sip:192.0.2.25",
    "sip:192.0.2.26",
    "sip:192.0.2.27",
  ]);
  const sets = await viewer.dispatcher.sets();
  assert.deepEqual(
    sets.find((s) => s.setid === 9),
    { setid: 9, destinations: 27 },
  );
});

test("an edit leaves the node pending until dispatcher.reload ran on it", async () => {
  const admin = await as("admin");
  await admin.dispatcher.create({ setid: 3, destination: "sip:gw3.example.com" });
  let status = await admin.reload.status({ module: "dispatcher" });
  assert.deepEqual(
    status.nodes.map((n) => [n.name, n.pending]),
    [["ds-node", true]],
  );
  const res = await admin.reload.run({ module: "dispatcher" });
  assert.deepEqual(
    res.nodes.map((n) => n.ok),
    [true],
  );
  status = await admin.reload.status({ module: "dispatcher" });
  assert.deepEqual(
    status.nodes.map((n) => n.pending),
    [false],
  );
});

test("live states come from every node; an unreachable node is reported, not fatal", async () => {
  const viewer = await as("viewer");
  loaded = [];
  let live = await viewer.dispatcher.live();
  assert.deepEqual(
    live.map((l) => [l.node, l.ok, l.data]),
    [["ds-node", true, []]],
    "no sets loaded is an empty list",
  );

  loaded = [
    { setid: 7, uri: "sip:10.0.0.1:5060", flags: "AP" },
    { setid: 7, uri: "sip:10.0.0.9", flags: "IX" },
  ];
  const deadId = await addDeadNode(t.db, "ds-dead");
  live = await viewer.dispatcher.live();
  const ok = live.find((l) => l.node === "ds-node")!;
  assert.deepEqual(
    ok.data?.map((d) => [d.uri, d.state, d.probing]),
    [
      ["sip:10.0.0.1:5060", "active", true],
      ["sip:10.0.0.9", "inactive", false],
    ],
  );
  const dead = live.find((l) => l.nodeId === deadId)!;
  assert.equal(dead.ok, false);
  assert.match(dead.error ?? "", /ECONNREFUSED|connect|refused/i);
});

test("set state sends Kamailio's state letters to the chosen node and is audited", async () => {
  const ctx = await testContext(t.db, { role: "operator" });
  const operator = createCaller(ctx);
  node.calls.length = 0;
  const res = await operator.dispatcher.setState({
    nodeId: node.id,
    setid: 7,
    destination: "sip:10.0.0.1:5060",
    state: "inactive",
    probing: true,
  });
  assert.deepEqual(
    res.nodes.map((n) => [n.node, n.ok]),
    [["ds-node", true]],
  );
  assert.deepEqual(node.calls, [{ method: "dispatcher.set_state", params: ["ip", 7, "sip:10.0.0.1:5060"] }]);
  const audit = await t.db.select().from(sbAudit).where(eq(sbAudit.username, ctx.session!.username));
  assert.deepEqual(audit.map((a) => [a.action, a.node, a.ok]).sort(), [
    ["dispatcher.setState", null, true],
    ["rpc:dispatcher.set_state", "ds-node", true],
  ]);
});
