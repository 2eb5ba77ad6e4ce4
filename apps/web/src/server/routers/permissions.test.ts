/**
 * Roles are enforced by every procedure, not by the UI: walks the whole router so a new procedure is
 * covered the day it is added.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { TRPCError } from "@trpc/server";
import { createCaller, testContext } from "../testing";
import { appRouter } from "./_app";

/** Procedures anyone may call: the login form needs them before there is a session. */
const PUBLIC = new Set(["auth.me", "auth.login"]);
/** Mutations on one's own account, allowed to every logged-in role. */
const SELF_SERVICE = new Set([
  "auth.logout",
  "auth.changePassword",
  "auth.totpSetup",
  "auth.totpEnable",
  "auth.totpDisable",
]);
/** Mutations an operator may do (issue: "edit subscribers/aliases/ACLs, reload"); the rest need admin. */
const OPERATOR_MUTATIONS = new Set([
  "subscribers.create",
  "subscribers.update",
  "subscribers.delete",
  "subscribers.import",
  "aliases.create",
  "aliases.update",
  "aliases.delete",
  "speeddial.create",
  "speeddial.update",
  "speeddial.delete",
  "reload.run",
  "cdrs.startJob",
  "registrations.unregister",
]);
/** Reads limited to admins. */
const ADMIN_QUERIES = new Set(["admins.list", "audit.list"]);

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, p]) => ({ path, type: p._def.type }));

type Caller = ReturnType<typeof createCaller>;
function invoke(caller: Caller, path: string, input: unknown): Promise<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: walking the caller proxy by a dotted path
  let fn: any = caller;
  for (const part of path.split(".")) fn = fn[part];
  return fn(input);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `unexpected ${(e as Error).message}`;
  }
}

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

test("the router has procedures to check", () => {
  assert.ok(procedures.length > 20);
});

test("every procedure except login refuses a caller without a session", async () => {
  const caller = createCaller(await testContext(t.db, { role: null }));
  for (const { path } of procedures) {
    if (PUBLIC.has(path)) continue;
    assert.equal(await codeOf(invoke(caller, path, {})), "UNAUTHORIZED", path);
  }
});

test("a viewer can call no mutation except on its own account", async () => {
  const caller = createCaller(await testContext(t.db, { role: "viewer" }));
  for (const { path, type } of procedures) {
    if (type !== "mutation" || SELF_SERVICE.has(path) || PUBLIC.has(path)) continue;
    assert.equal(await codeOf(invoke(caller, path, {})), "FORBIDDEN", path);
  }
});

test("an operator gets subscriber, alias, speed dial and reload mutations, nothing admin-only", async () => {
  const caller = createCaller(await testContext(t.db, { role: "operator" }));
  for (const { path, type } of procedures) {
    if (PUBLIC.has(path) || SELF_SERVICE.has(path)) continue;
    const code = await codeOf(invoke(caller, path, {}));
    const allowed = type === "query" ? !ADMIN_QUERIES.has(path) : OPERATOR_MUTATIONS.has(path);
    if (allowed) assert.notEqual(code, "FORBIDDEN", path);
    else assert.equal(code, "FORBIDDEN", path);
  }
});

test("an admin is refused nothing", async () => {
  const caller = createCaller(await testContext(t.db, { role: "admin" }));
  for (const { path } of procedures) {
    if (PUBLIC.has(path) || SELF_SERVICE.has(path)) continue;
    const code = await codeOf(invoke(caller, path, {}));
    assert.ok(code !== "FORBIDDEN" && code !== "UNAUTHORIZED", `${path}: ${code}`);
  }
});

test("a viewer's refused mutation is audited as failed", async () => {
  const ctx = await testContext(t.db, { role: "viewer" });
  await codeOf(
    createCaller(ctx).subscribers.create({ username: "x", domain: "example.com", password: "secret1" }),
  );
  const rows = await t.db.query.sbAudit.findMany({
    where: (a, { eq }) => eq(a.username, ctx.session!.username),
  });
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, "subscribers.create");
  assert.equal(rows[0].ok, false);
  assert.match(rows[0].details ?? "", /needs the operator role/);
  assert.doesNotMatch(rows[0].details ?? "", /secret1/, "the password is not written to the audit log");
});
