import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { eq } from "drizzle-orm";
import { ReloadError } from "../shared/index.ts";
import { rpcCall, rpcFault } from "../shared/testing.ts";
import { Dialplan } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

const rule = (r: Partial<typeof schema.dialplan.$inferInsert> & { matchOp: number; matchExp: string }) => ({
  dpid: 1,
  pr: 0,
  matchLen: 0,
  substExp: "",
  replExp: "",
  attrs: "",
  ...r,
});

test("rules load from the dialplan table; a bad regex row is reported with its id, the others work, RPC agrees", async () => {
  const t = schema.dialplan;
  await tdb.db.insert(t).values([
    rule({
      pr: 10,
      matchOp: 1,
      matchExp: "^00[1-9]",
      substExp: "^00(.*)$",
      replExp: "+\\1",
      attrs: "intl",
    }),
    rule({ pr: 20, matchOp: 1, matchExp: "^0[1-9]", substExp: "^0(.*)$", replExp: "+49\\1" }),
    rule({ pr: 5, matchOp: 1, matchExp: "^(00[1-9", replExp: "broken" }),
    rule({ pr: 1, matchOp: 0, matchExp: "112", replExp: "911" }),
    rule({ dpid: 2, pr: 1, matchOp: 2, matchExp: "8??", replExp: "eight" }),
  ]);
  const [bad] = await tdb.db.select({ id: t.id }).from(t).where(eq(t.replExp, "broken"));
  const dp = new Dialplan({ db: tdb.db, params: { reload_delta: 0 } });
  const report = await dp.load();
  assert.equal(report.size, 4);
  assert.deepEqual(
    report.issues.map((i) => i.id),
    [bad.id],
  );
  assert.match(report.issues[0].message, /bad match_exp/);
  assert.deepEqual(dp.translate(1, "0049301234"), {
    output: "+49301234",
    attrs: "intl",
    ruleId: (await tdb.db.select({ id: t.id }).from(t).where(eq(t.attrs, "intl")))[0].id,
  });
  assert.equal(dp.translate(1, "112")?.output, "911");
  assert.equal(dp.translate(2, "811")?.output, "eight");

  const reg = new RpcRegistry();
  dp.registerRpc(reg);
  assert.deepEqual(await rpcCall(reg, "dialplan.translate", 1, "0301234"), {
    Output: "+49301234",
    Attributes: "",
  });
  assert.equal(await rpcFault(reg, "dialplan.translate", [1, "abc"]), "500 No translation");
  assert.equal(await rpcFault(reg, "dialplan.translate", [9, "1"]), "500 Dialplan ID not matched");
  assert.equal(await rpcFault(reg, "dialplan.translate", [1, ""]), "500 Empty input parameter");
  assert.deepEqual(await rpcCall(reg, "dialplan.dump", 2), {
    DPID: 2,
    ENTRIES: [
      {
        ENTRY: {
          PRIO: 1,
          MATCHOP: 2,
          MATCHEXP: "8??",
          MATCHLEN: 0,
          SUBSTEXP: "",
          REPLEXP: "eight",
          ATTRS: "",
        },
      },
    ],
  });
  assert.deepEqual(
    ((await rpcCall(reg, "dialplan.dump", 1)) as { ENTRIES: Array<{ ENTRY: { PRIO: number } }> }).ENTRIES.map(
      (e) => e.ENTRY.PRIO,
    ),
    [1, 10, 20],
    "priority order",
  );
  assert.deepEqual(await rpcCall(reg, "dialplan.reload"), {
    warnings: [`id ${bad.id}: ${report.issues[0].message}`],
  });

  // Fix the bad row, add one: dialplan.reload takes the edit.
  await tdb.db.update(t).set({ matchExp: "^9" }).where(eq(t.id, bad.id));
  assert.deepEqual(await rpcCall(reg, "dialplan.reload"), {});
  assert.equal(dp.translate(1, "9123")?.output, "broken");
});

test("a failed reload keeps the rules in use", async () => {
  const other = await createTestDatabase();
  await other.db.insert(schema.dialplan).values(rule({ dpid: 3, matchOp: 0, matchExp: "1", replExp: "one" }));
  const dp = new Dialplan({ db: other.db });
  await dp.load();
  await other.pool.query("DROP TABLE dialplan");
  await assert.rejects(
    dp.reload(),
    (e: unknown) => e instanceof ReloadError && /doesn't exist/.test(e.message),
  );
  assert.equal(dp.translate(3, "1")?.output, "one");
  const reg = new RpcRegistry();
  dp.registerRpc(reg);
  assert.equal(await rpcFault(reg, "dialplan.reload", []), "500 Dialplan Reload Failed");
  assert.equal(await rpcFault(reg, "dialplan.reload", []), "500 ongoing reload", "reload_delta 5 s");
  await other.drop();
});
