import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sbAdmin, sbAudit, sbSession } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import { createAdmin } from "../auth/admins";
import { ensureFirstAdmin } from "../auth/first-admin";
import { attemptLogin, LOCK_MINUTES, MAX_FAILURES } from "../auth/login";
import { LoginThrottle } from "../auth/rate-limit";
import { hashToken } from "../auth/session";
import { base32Encode, totp } from "../auth/totp";
import { createCaller, testContext } from "../testing";

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const anonymous = async (ip = "127.0.0.1") => {
  const ctx = await testContext(t.db, { role: null, ip });
  return { ctx, caller: createCaller(ctx) };
};

test("ensureFirstAdmin creates one admin with a random password, then never again", async () => {
  const db = await createTestDatabase();
  try {
    const first = await ensureFirstAdmin(db.db);
    assert.ok(first);
    assert.equal(first.username, "admin");
    assert.ok(first.password.length >= 16);
    const [row] = await db.db.select().from(sbAdmin);
    assert.equal(row.role, "admin");
    assert.notEqual(row.passwordHash, first.password);
    assert.equal(await ensureFirstAdmin(db.db), null);
    const other = await ensureFirstAdmin(db.db);
    assert.equal(other, null);
  } finally {
    await db.drop();
  }
});

test("login sets an httpOnly SameSite session cookie whose hash is stored, and audits it", async () => {
  await createAdmin(t.db, { username: "carol", password: "carol-password", role: "operator" });
  const { ctx, caller } = await anonymous();
  const res = await caller.auth.login({ username: "carol", password: "carol-password" });
  assert.deepEqual(res, { status: "ok", username: "carol", role: "operator" });
  const cookie = ctx.resHeaders!.get("set-cookie")!;
  assert.match(cookie, /^sb_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
  const token = /^sb_session=([^;]+)/.exec(cookie)![1];
  const rows = await t.db
    .select()
    .from(sbSession)
    .where(eq(sbSession.id, hashToken(token)));
  assert.equal(rows.length, 1, "the session row is keyed by the token's sha256, not the token");
  const audit = await t.db.select().from(sbAudit).where(eq(sbAudit.username, "carol"));
  assert.deepEqual(
    audit.map((a) => [a.action, a.ok]),
    [["auth.login", true]],
  );
});

test("a wrong password is refused with a message that does not reveal whether the user exists", async () => {
  await createAdmin(t.db, { username: "dave", password: "dave-password", role: "viewer" });
  const { caller } = await anonymous();
  for (const username of ["dave", "nobody"]) {
    await assert.rejects(caller.auth.login({ username, password: "wrong" }), {
      code: "UNAUTHORIZED",
      message: "Wrong username or password.",
    });
  }
});

test(`${MAX_FAILURES} wrong passwords lock the account for ${LOCK_MINUTES} minutes, even for the right password`, async () => {
  await createAdmin(t.db, { username: "erin", password: "erin-password", role: "viewer" });
  const { caller } = await anonymous();
  for (let i = 1; i < MAX_FAILURES; i++) {
    await assert.rejects(caller.auth.login({ username: "erin", password: "nope" }), { code: "UNAUTHORIZED" });
  }
  await assert.rejects(caller.auth.login({ username: "erin", password: "nope" }), {
    code: "TOO_MANY_REQUESTS",
    message: /Account locked after 5 failed logins. Try again in 15 minutes./,
  });
  await assert.rejects(caller.auth.login({ username: "erin", password: "erin-password" }), {
    code: "TOO_MANY_REQUESTS",
  });
  const [row] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.username, "erin"));
  assert.ok(row.lockedUntil);
});

test("the lock runs out after 15 minutes and the failure count starts again", async () => {
  await createAdmin(t.db, { username: "frank", password: "frank-password", role: "viewer" });
  const t0 = new Date();
  for (let i = 0; i < MAX_FAILURES; i++) await attemptLogin(t.db, { username: "frank", password: "x" }, t0);
  const during = await attemptLogin(
    t.db,
    { username: "frank", password: "frank-password" },
    new Date(t0.getTime() + 14 * 60_000),
  );
  assert.equal(during.status, "locked");
  const later = new Date(t0.getTime() + 16 * 60_000);
  assert.equal((await attemptLogin(t.db, { username: "frank", password: "x" }, later)).status, "invalid");
  const ok = await attemptLogin(t.db, { username: "frank", password: "frank-password" }, later);
  assert.equal(ok.status, "ok");
  const [row] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.username, "frank"));
  assert.equal(row.failedLogins, 0);
  assert.equal(row.lockedUntil, null);
});

test("with TOTP enrolled, the password alone asks for a code and a wrong code counts as a failure", async () => {
  const secret = base32Encode(Buffer.from("0123456789abcdefghij"));
  const id = await createAdmin(t.db, { username: "grace", password: "grace-password", role: "admin" });
  await t.db.update(sbAdmin).set({ totpSecret: secret }).where(eq(sbAdmin.id, id));
  const { caller } = await anonymous();
  assert.deepEqual(await caller.auth.login({ username: "grace", password: "grace-password" }), {
    status: "totp_required",
  });
  const wrong = totp(secret) === "000000" ? "111111" : "000000";
  await assert.rejects(caller.auth.login({ username: "grace", password: "grace-password", totp: wrong }), {
    message: "Wrong authentication code.",
  });
  const res = await caller.auth.login({ username: "grace", password: "grace-password", totp: totp(secret) });
  assert.equal(res.status, "ok");
});

test("TOTP enrolment stores the secret only after a matching code", async () => {
  const { ctx, caller } = await (async () => {
    const ctx = await testContext(t.db, { role: "viewer" });
    return { ctx, caller: createCaller(ctx) };
  })();
  const { secret, uri } = await caller.auth.totpSetup();
  assert.match(uri, /^otpauth:\/\/totp\/Switchboard%3Aviewer-[0-9a-f]+\?secret=[A-Z2-7]+&issuer=Switchboard/);
  await assert.rejects(caller.auth.totpEnable({ secret, code: "abc" }), { code: "BAD_REQUEST" });
  await caller.auth.totpEnable({ secret, code: totp(secret) });
  const [row] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.id, ctx.session!.adminId));
  assert.equal(row.totpSecret, secret);
  await caller.auth.totpDisable({ password: "test-password-1" });
  const [after] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.id, ctx.session!.adminId));
  assert.equal(after.totpSecret, null);
});

test("login attempts from one address are rate limited before the password is checked", async () => {
  const ctx = await testContext(t.db, { role: null, ip: "192.0.2.7" });
  ctx.loginThrottle = new LoginThrottle({ perClient: 2, overall: 100, windowMs: 60_000 });
  const caller = createCaller(ctx);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(caller.auth.login({ username: "nobody", password: "x" }), { code: "UNAUTHORIZED" });
  }
  await assert.rejects(caller.auth.login({ username: "nobody", password: "x" }), {
    code: "TOO_MANY_REQUESTS",
    message: /Too many login attempts/,
  });
});

test("logout deletes the session row and clears the cookie", async () => {
  const ctx = await testContext(t.db, { role: "viewer" });
  await createCaller(ctx).auth.logout();
  assert.match(ctx.resHeaders!.get("set-cookie")!, /^sb_session=; .*Max-Age=0/);
  const rows = await t.db.select().from(sbSession).where(eq(sbSession.id, ctx.session!.id));
  assert.equal(rows.length, 0);
});

test("a mutation from another site, or without the session's CSRF token, is refused", async () => {
  const crossSite = createCaller(await testContext(t.db, { role: "admin", sameOrigin: false }));
  await assert.rejects(crossSite.auth.logout(), { code: "FORBIDDEN", message: "cross-site request refused" });
  const noToken = createCaller(await testContext(t.db, { role: "admin", csrf: false }));
  await assert.rejects(noToken.auth.logout(), { code: "FORBIDDEN", message: /CSRF/ });
  const loginCrossSite = createCaller(await testContext(t.db, { role: null, sameOrigin: false }));
  await assert.rejects(loginCrossSite.auth.login({ username: "x", password: "y" }), { code: "FORBIDDEN" });
});

test("changing the password needs the current one and ends the other sessions", async () => {
  const ctx = await testContext(t.db, { role: "operator" });
  const caller = createCaller(ctx);
  await assert.rejects(caller.auth.changePassword({ current: "wrong", next: "a-new-password" }), {
    code: "BAD_REQUEST",
  });
  const res = await caller.auth.changePassword({ current: "test-password-1", next: "a-new-password" });
  assert.equal(res.ok, true);
  const sessions = await t.db.select().from(sbSession).where(eq(sbSession.adminId, ctx.session!.adminId));
  assert.equal(sessions.length, 1);
  assert.notEqual(sessions[0].id, ctx.session!.id);
  const outcome = await attemptLogin(t.db, { username: ctx.session!.username, password: "a-new-password" });
  assert.equal(outcome.status, "ok");
});
