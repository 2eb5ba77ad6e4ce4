import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { manualClock } from "../usrloc/testing.ts";
import {
  AUTH_ERROR,
  AUTH_NO_CREDENTIALS,
  AUTH_NONCE_REUSED,
  AUTH_OK,
  AUTH_STALE_NONCE,
  Auth,
  CHALLENGE_STALE,
  consumeCredentials,
} from "./auth.ts";
import { calcHA1, digestAlgorithm } from "./digest.ts";
import { answer, challengeParams } from "./testing.ts";

const realm = "example.com";
const md5 = digestAlgorithm("MD5")!;
const aliceHA1 = calcHA1(md5, "alice", realm, "secret");

function check(auth: Auth, value: string, method = "REGISTER") {
  const headers = [{ name: "Authorization", value }];
  const pre = auth.preAuth(method, headers, realm, "Authorization");
  if (pre.code !== "verify") return pre.code;
  return auth.verify(pre.credentials, pre.alg, method, aliceHA1) ? AUTH_OK : -2;
}

describe("challenges", () => {
  test("auth_challenge answers REGISTER with 401/WWW-Authenticate and others with 407/Proxy-Authenticate", () => {
    const auth = new Auth();
    const www = auth.auth_challenge("REGISTER", realm);
    assert.equal(www.status, 401);
    assert.equal(www.reason, "Unauthorized");
    assert.equal(www.headers.length, 1);
    assert.equal(www.headers[0].name, "WWW-Authenticate");
    assert.match(
      www.headers[0].value,
      /^Digest realm="example\.com", nonce="[A-Za-z0-9_-]{43}", qop="auth", algorithm=MD5$/,
    );
    const proxy = auth.auth_challenge("INVITE", realm, CHALLENGE_STALE);
    assert.equal(proxy.status, 407);
    assert.equal(proxy.reason, "Proxy Authentication Required");
    assert.equal(proxy.headers[0].name, "Proxy-Authenticate");
    assert.match(proxy.headers[0].value, /, qop="auth", stale=true, algorithm=MD5$/);
  });

  test("several algorithms give one challenge each, preferred first, with their own nonce (RFC 8760 §2.4)", () => {
    const auth = new Auth({ params: { algorithm: "SHA-256,MD5" } });
    const { headers } = auth.www_challenge(realm);
    assert.deepEqual(
      headers.map((h) => challengeParams(h.value).algorithm),
      ["SHA-256", "MD5"],
    );
    assert.notEqual(challengeParams(headers[0].value).nonce, challengeParams(headers[1].value).nonce);
    assert.throws(() => new Auth({ params: { algorithm: "SHA-1" } }), /unsupported algorithm/);
  });

  test("qop follows the flags first, then the qop param", () => {
    const none = new Auth({ params: { qop: "" } });
    assert.doesNotMatch(none.www_challenge(realm).headers[0].value, /qop/);
    assert.match(none.www_challenge(realm, 1).headers[0].value, /qop="auth"/);
    assert.match(none.www_challenge(realm, 2).headers[0].value, /qop="auth-int"/);
  });
});

describe("nonces", () => {
  test("a correct answer verifies; a wrong password does not", () => {
    const auth = new Auth();
    const ch = auth.www_challenge(realm).headers[0].value;
    const uri = "sip:example.com";
    assert.equal(
      check(auth, answer(ch, { username: "alice", password: "secret", method: "REGISTER", uri })),
      AUTH_OK,
    );
    assert.equal(
      check(auth, answer(ch, { username: "alice", password: "nope", method: "REGISTER", uri, nc: 2 })),
      -2,
    );
  });

  test("a nonce-count that does not grow is a replay (-6); a higher one is accepted", () => {
    const auth = new Auth();
    const ch = auth.www_challenge(realm).headers[0].value;
    const o = { username: "alice", password: "secret", method: "REGISTER", uri: "sip:example.com" };
    const first = answer(ch, { ...o, nc: 1 });
    assert.equal(check(auth, first), AUTH_OK);
    assert.equal(check(auth, first), AUTH_NONCE_REUSED, "the same request again");
    assert.equal(check(auth, answer(ch, { ...o, nc: 3 })), AUTH_OK);
    assert.equal(check(auth, answer(ch, { ...o, nc: 2 })), AUTH_NONCE_REUSED, "a lower nc");
  });

  test("an expired nonce is stale (-4), a forged or foreign one an error (-1)", () => {
    const clock = manualClock();
    const auth = new Auth({ now: clock.now });
    const ch = auth.www_challenge(realm).headers[0].value;
    const o = { username: "alice", password: "secret", method: "REGISTER", uri: "sip:example.com" };
    clock.advance(30);
    assert.equal(check(auth, answer(ch, o)), AUTH_OK, "still valid at exactly nonce_expire");
    clock.advance(1);
    assert.equal(check(auth, answer(ch, { ...o, nc: 2 })), AUTH_STALE_NONCE);

    const other = new Auth({ now: clock.now, params: { secret: "another key" } });
    const foreign = other.www_challenge(realm).headers[0].value;
    assert.equal(check(auth, answer(foreign, o)), AUTH_ERROR);
    const tampered = ch.replace(/nonce="(.)/, (_m, c: string) => `nonce="${c === "A" ? "B" : "A"}`);
    assert.equal(check(auth, answer(tampered, o)), AUTH_ERROR);
  });

  test("a shared secret lets another process verify the nonce (without its nonce-count state)", () => {
    const a = new Auth({ params: { secret: "cluster secret" } });
    const b = new Auth({ params: { secret: "cluster secret" } });
    const ch = a.www_challenge(realm).headers[0].value;
    assert.equal(
      check(b, answer(ch, { username: "alice", password: "secret", method: "REGISTER", uri: "sip:x" })),
      AUTH_OK,
    );
  });

  test("nonces beyond nc_array_size make the oldest ones stale instead of growing memory", () => {
    const auth = new Auth({ params: { nc_array_size: 4 } });
    const first = auth.www_challenge(realm).headers[0].value;
    for (let i = 0; i < 4; i++) auth.www_challenge(realm);
    const o = { username: "alice", password: "secret", method: "REGISTER", uri: "sip:x" };
    assert.equal(check(auth, answer(first, o)), AUTH_STALE_NONCE);
  });
});

describe("credentials lookup", () => {
  test("only credentials for the realm count; none gives -5; ACK/CANCEL/PRACK pass", () => {
    const auth = new Auth();
    const ch = auth.www_challenge("other.org").headers[0].value;
    const value = answer(ch, { username: "alice", password: "secret", method: "REGISTER", uri: "sip:x" });
    assert.equal(check(auth, value), AUTH_NO_CREDENTIALS);
    assert.equal(auth.preAuth("REGISTER", [], realm, "Authorization").code, AUTH_NO_CREDENTIALS);
    assert.equal(auth.preAuth("CANCEL", [], realm, "Proxy-Authorization").code, AUTH_OK);
    assert.equal(
      auth.preAuth("INVITE", [{ name: "authorization", value }], "other.org", "Proxy-Authorization").code,
      AUTH_NO_CREDENTIALS,
      "INVITE credentials are read from Proxy-Authorization",
    );
  });

  test("an algorithm that was not offered is refused", () => {
    const auth = new Auth({ params: { algorithm: "SHA-256" } });
    const ch = auth.www_challenge(realm).headers[0].value.replace("algorithm=SHA-256", "algorithm=MD5");
    assert.equal(
      check(auth, answer(ch, { username: "alice", password: "secret", method: "REGISTER", uri: "sip:x" })),
      AUTH_ERROR,
    );
  });

  test("consume_credentials removes exactly the header that was used", () => {
    const used = { name: "Proxy-Authorization", value: "Digest ..." };
    const other = { name: "Proxy-Authorization", value: "Digest realm=other" };
    const via = { name: "Via", value: "SIP/2.0/UDP h" };
    assert.deepEqual(consumeCredentials([via, used, other], used), [via, other]);
    assert.deepEqual(consumeCredentials([via], undefined), [via]);
  });
});
