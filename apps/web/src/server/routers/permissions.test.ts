/**
 * Roles are enforced by every procedure, not by the UI: walks the whole router so a new procedure is
 * covered the day it is added.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { allProcedures, codeOf, createCaller, invokePath, PUBLIC_PROCEDURES, testContext } from "../testing";

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
  "dispatcher.setState",
  "acl.groups.create",
  "acl.groups.update",
  "acl.groups.delete",
  "acl.reGroups.create",
  "acl.reGroups.update",
  "acl.reGroups.delete",
  "acl.address.create",
  "acl.address.update",
  "acl.address.delete",
  "acl.trusted.create",
  "acl.trusted.update",
  "acl.trusted.delete",
  "preferences.create",
  "preferences.update",
  "preferences.delete",
]);
/** Mutations open to every role that check the role per RPC command inside (rpc.test.ts covers them). */
const ROLE_PER_COMMAND = new Set(["rpc.send"]);
/** Reads limited to admins. */
const ADMIN_QUERIES = new Set(["admins.list", "audit.list"]);

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

test("the router has procedures to check", () => {
  assert.ok(allProcedures.length > 20);
});

test("every procedure except login refuses a caller without a session", async () => {
  const caller = createCaller(await testContext(t.db, { role: null }));
  for (const { path } of allProcedures) {
    if (PUBLIC_PROCEDURES.has(path)) continue;
    assert.equal(await codeOf(invokePath(caller, path, {})), "UNAUTHORIZED", path);
  }
});

test("a viewer can call no mutation except on its own account", async () => {
  const caller = createCaller(await testContext(t.db, { role: "viewer" }));
  for (const { path, type } of allProcedures) {
    if (
      type !== "mutation" ||
      SELF_SERVICE.has(path) ||
      PUBLIC_PROCEDURES.has(path) ||
      ROLE_PER_COMMAND.has(path)
    )
      continue;
    assert.equal(await codeOf(invokePath(caller, path, {})), "FORBIDDEN", path);
  }
});

test("an operator gets subscriber, alias, speed dial and reload mutations, nothing admin-only", async () => {
  const caller = createCaller(await testContext(t.db, { role: "operator" }));
  for (const { path, type } of allProcedures) {
    if (PUBLIC_PROCEDURES.has(path) || SELF_SERVICE.has(path)) continue;
    const code = await codeOf(invokePath(caller, path, {}));
    const allowed =
      type === "query"
        ? !ADMIN_QUERIES.has(path)
        : OPERATOR_MUTATIONS.has(path) || ROLE_PER_COMMAND.has(path);
    if (allowed) assert.notEqual(code, "FORBIDDEN", path);
    else assert.equal(code, "FORBIDDEN", path);
  }
});

test("an admin is refused nothing", async () => {
  const caller = createCaller(await testContext(t.db, { role: "admin" }));
  for (const { path } of allProcedures) {
    if (PUBLIC_PROCEDURES.has(path) || SELF_SERVICE.has(path)) continue;
    const code = await codeOf(invokePath(caller, path, {}));
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
