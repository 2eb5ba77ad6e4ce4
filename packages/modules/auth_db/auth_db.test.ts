import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { subscriber, subscriberHashes } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { and, eq } from "drizzle-orm";
import { Auth, CHALLENGE_STALE } from "../auth/index.ts";
import { answer } from "../auth/testing.ts";
import { manualClock } from "../usrloc/testing.ts";
import { AUTH_CHECK_ID_F, type AuthCheckRequest, AuthDb } from "./auth_db.ts";
import type { AuthDbParams } from "./params.ts";

let tdb: TestDatabase;
const quiet = { error() {}, warn() {} };

before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

async function addSubscriber(username: string, domain: string, password: string, storePassword = true) {
  await tdb.db.insert(subscriber).values({
    username,
    domain,
    password: storePassword ? password : "",
    ...subscriberHashes(username, domain, password),
  });
}

beforeEach(async () => {
  await tdb.db.delete(subscriber);
  await addSubscriber("alice", "example.com", "wonderland");
  await addSubscriber("bob", "example.com", "builder", false);
});

function setup(params: Partial<AuthDbParams> = {}, authParams: ConstructorParameters<typeof Auth>[0] = {}) {
  const clock = manualClock();
  const auth = new Auth({ now: clock.now, ...authParams });
  const authDb = new AuthDb({ auth, db: tdb.db, params, now: clock.now, log: quiet });
  return { clock, auth, authDb };
}

interface Attempt {
  username?: string;
  password: string;
  method?: string;
  nc?: number;
  challenge?: string;
  from?: string;
  to?: string;
}

/** One request answering a fresh (or given) challenge; returns the check result and the challenge. */
async function attempt(auth: Auth, authDb: AuthDb, a: Attempt, realm = "example.com", flags = 0) {
  const method = a.method ?? "REGISTER";
  const challenge = a.challenge ?? auth.auth_challenge(method, realm).headers[0].value;
  const name = method === "REGISTER" ? "Authorization" : "Proxy-Authorization";
  const value = answer(challenge, {
    username: a.username ?? "alice",
    password: a.password,
    method,
    uri: "sip:example.com",
    nc: a.nc,
  });
  const req: AuthCheckRequest = {
    method,
    headers: [
      { name: "Via", value: "SIP/2.0/UDP 192.0.2.1" },
      { name, value },
    ],
    fromUser: a.from ?? "alice",
    fromDomain: "example.com",
    toUser: a.to ?? "alice",
    toDomain: "example.com",
  };
  const res = await authDb.auth_check(req, realm, "subscriber", flags);
  return { res, challenge, req };
}

describe("auth_check against subscriber", () => {
  test("calculate_ha1 with the clear password: the right password is 1, a wrong one -2, an unknown user -3", async () => {
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password" });
    const ok = await attempt(auth, authDb, { password: "wonderland" });
    assert.equal(ok.res.code, 1);
    assert.equal(ok.res.user, "alice");
    assert.equal(ok.res.header, ok.req.headers[1]);
    assert.equal((await attempt(auth, authDb, { password: "rabbit" })).res.code, -2);
    assert.equal((await attempt(auth, authDb, { username: "mallory", password: "x" })).res.code, -3);
  });

  test("stored ha1 (calculate_ha1=0) verifies MD5; ha1b serves usernames sent as user@domain", async () => {
    const { auth, authDb } = setup();
    assert.equal(
      (await attempt(auth, authDb, { username: "bob", password: "builder", from: "bob", to: "bob" })).res
        .code,
      1,
    );
    assert.equal(
      (
        await attempt(auth, authDb, {
          username: "bob@example.com",
          password: "builder",
          from: "bob",
          to: "bob",
        })
      ).res.code,
      1,
    );
    assert.equal(
      (await attempt(auth, authDb, { username: "bob", password: "wrong", from: "bob", to: "bob" })).res.code,
      -2,
    );
  });

  test("SHA-256 (RFC 8760) works from the clear password", async () => {
    const { auth, authDb } = setup(
      { calculate_ha1: 1, password_column: "password" },
      { params: { algorithm: "SHA-256" } },
    );
    const ch = auth.www_challenge("example.com").headers[0].value;
    assert.match(ch, /algorithm=SHA-256$/);
    assert.equal((await attempt(auth, authDb, { password: "wonderland", challenge: ch })).res.code, 1);
    assert.equal((await attempt(auth, authDb, { password: "nope", challenge: ch, nc: 2 })).res.code, -2);
  });

  test("SHA-256 from a stored SHA-256 HA1; an MD5 HA1 cannot verify a SHA-256 response", async () => {
    const sha = createHash("sha256").update("carol:example.com:pw").digest("hex");
    await tdb.db.insert(subscriber).values({ username: "carol", domain: "example.com", ha1: sha });
    const { auth, authDb } = setup({}, { params: { algorithm: "SHA-256" } });
    const carol = await attempt(auth, authDb, {
      username: "carol",
      password: "pw",
      from: "carol",
      to: "carol",
    });
    assert.equal(carol.res.code, 1);
    assert.equal(
      (await attempt(auth, authDb, { username: "bob", password: "builder", from: "bob", to: "bob" })).res
        .code,
      -2,
    );
  });

  test("with calculate_ha1 but no clear password stored, the stored MD5 ha1 is used", async () => {
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password" });
    assert.equal(
      (await attempt(auth, authDb, { username: "bob", password: "builder", from: "bob", to: "bob" })).res
        .code,
      1,
    );
  });

  test("a replayed nonce-count is -6 and an expired nonce -4 (challenge again with stale=true)", async () => {
    const { auth, authDb, clock } = setup({ calculate_ha1: 1, password_column: "password" });
    const first = await attempt(auth, authDb, { password: "wonderland", nc: 1 });
    assert.equal(first.res.code, 1);
    const replay = await authDb.auth_check(first.req, "example.com");
    assert.equal(replay.code, -6);
    assert.equal(
      (await attempt(auth, authDb, { password: "wonderland", nc: 2, challenge: first.challenge })).res.code,
      1,
    );
    clock.advance(31);
    const stale = await attempt(auth, authDb, { password: "wonderland", nc: 3, challenge: first.challenge });
    assert.equal(stale.res.code, -4);
    assert.match(
      auth.auth_challenge("REGISTER", "example.com", CHALLENGE_STALE).headers[0].value,
      /stale=true/,
    );
  });

  test("no credentials, or none for this realm, is -5; ACK and CANCEL pass unchecked", async () => {
    const { auth, authDb } = setup();
    assert.equal((await authDb.auth_check({ method: "INVITE", headers: [] }, "example.com")).code, -5);
    const otherRealm = await attempt(auth, authDb, {
      password: "wonderland",
      challenge: auth.www_challenge("other.org").headers[0].value,
    });
    assert.equal(otherRealm.res.code, -5);
    assert.equal((await authDb.auth_check({ method: "ACK", headers: [] }, "example.com")).code, 1);
  });

  test("flag 1: the auth user must be the To user of a REGISTER (and From = To) or the From user otherwise (-8)", async () => {
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password" });
    const asBob = await attempt(
      auth,
      authDb,
      { password: "wonderland", to: "bob", from: "bob" },
      "example.com",
      AUTH_CHECK_ID_F,
    );
    assert.equal(asBob.res.code, -8);
    const thirdParty = await attempt(
      auth,
      authDb,
      { password: "wonderland", from: "bob" },
      "example.com",
      AUTH_CHECK_ID_F,
    );
    assert.equal(thirdParty.res.code, -8, "From must equal To on REGISTER");
    const invite = await attempt(
      auth,
      authDb,
      { password: "wonderland", method: "INVITE", from: "carol" },
      "example.com",
      AUTH_CHECK_ID_F,
    );
    assert.equal(invite.res.code, -8);
    const own = await attempt(
      auth,
      authDb,
      { password: "wonderland", method: "INVITE" },
      "example.com",
      AUTH_CHECK_ID_F,
    );
    assert.equal(own.res.code, 1);
    const skip = await attempt(
      auth,
      authDb,
      { password: "wonderland", method: "INVITE", from: "carol" },
      "example.com",
      3,
    );
    assert.equal(skip.res.code, 1, "flag 2 exempts INVITE");
  });
});

describe("credential cache", () => {
  test("credentials are served from memory: checks keep working while the table is unreachable", async () => {
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password" });
    assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, 1);
    assert.equal((await attempt(auth, authDb, { username: "mallory", password: "x" })).res.code, -3);
    await tdb.pool.query("RENAME TABLE subscriber TO subscriber_away");
    try {
      assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, 1);
      assert.equal(
        (await attempt(auth, authDb, { username: "mallory", password: "x" })).res.code,
        -3,
        "cached miss",
      );
      assert.equal(
        (await attempt(auth, authDb, { username: "zed", password: "x" })).res.code,
        -1,
        "DB error",
      );
    } finally {
      await tdb.pool.query("RENAME TABLE subscriber_away TO subscriber");
    }
  });

  test("a password changed in the table is used after invalidate() (and subscriber.invalidate)", async () => {
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password" });
    assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, 1);
    await tdb.db
      .update(subscriber)
      .set({ password: "looking-glass", ...subscriberHashes("alice", "example.com", "looking-glass") })
      .where(and(eq(subscriber.username, "alice"), eq(subscriber.domain, "example.com")));
    // Within the TTL and less than a second later the cached row still answers.
    assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, 1);
    authDb.invalidate("alice", "example.com");
    assert.equal((await attempt(auth, authDb, { password: "looking-glass" })).res.code, 1);
    assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, -2);

    const registry = new RpcRegistry();
    authDb.registerRpc(registry);
    await tdb.db.update(subscriber).set({ password: "third" }).where(eq(subscriber.username, "alice"));
    await registry
      .get("subscriber.invalidate")!
      .handler(["alice"], { source: "127.0.0.1", protocol: "jsonrpc" });
    assert.equal((await attempt(auth, authDb, { password: "third" })).res.code, 1);
    assert.equal(authDb.cache.size, 1);
    await registry.get("subscriber.invalidate")!.handler([], { source: "127.0.0.1", protocol: "jsonrpc" });
    assert.equal(authDb.cache.size, 0);
  });

  test("a failed check re-reads a cached row older than a second, so edits made elsewhere apply", async () => {
    const { auth, authDb, clock } = setup({ calculate_ha1: 1, password_column: "password" });
    assert.equal((await attempt(auth, authDb, { password: "wonderland" })).res.code, 1);
    await tdb.db.update(subscriber).set({ password: "changed" }).where(eq(subscriber.username, "alice"));
    clock.advance(2);
    assert.equal((await attempt(auth, authDb, { password: "changed" })).res.code, 1);
  });

  test("entries expire after cache_ttl; the negative TTL is separate", async () => {
    const { auth, authDb, clock } = setup({
      calculate_ha1: 1,
      password_column: "password",
      cache_ttl: 60,
      cache_negative_ttl: 5,
    });
    assert.equal(
      (await attempt(auth, authDb, { username: "dora", password: "x", from: "dora", to: "dora" })).res.code,
      -3,
    );
    await addSubscriber("dora", "example.com", "explorer");
    clock.advance(6);
    assert.equal(
      (await attempt(auth, authDb, { username: "dora", password: "explorer", from: "dora", to: "dora" })).res
        .code,
      1,
      "the miss was forgotten after cache_negative_ttl",
    );
  });

  test("with use_domain the same username in two domains are different subscribers", async () => {
    await addSubscriber("alice", "other.org", "elsewhere");
    const { auth, authDb } = setup({ calculate_ha1: 1, password_column: "password", use_domain: 1 });
    assert.equal((await attempt(auth, authDb, { password: "wonderland" }, "example.com")).res.code, 1);
    assert.equal((await attempt(auth, authDb, { password: "elsewhere" }, "other.org")).res.code, 1);
    assert.equal((await attempt(auth, authDb, { password: "wonderland" }, "other.org")).res.code, -2);
  });
});
