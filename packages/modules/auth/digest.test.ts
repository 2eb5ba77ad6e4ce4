import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { calcHA1, calcResponse, credentialsComplete, digestAlgorithm, parseCredentials } from "./digest.ts";

const H = (alg: string, s: string) => createHash(alg).update(s).digest("hex");

describe("digest computations", () => {
  test("RFC 2617 §3.5 example (MD5, qop=auth)", () => {
    const alg = digestAlgorithm("MD5")!;
    const ha1 = calcHA1(alg, "Mufasa", "testrealm@host.com", "Circle Of Life");
    const input = {
      alg,
      ha1,
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      method: "GET",
      uri: "/dir/index.html",
      qop: "auth",
      nc: "00000001",
      cnonce: "0a4f113b",
    };
    // From the RFC formulas: H(HA1:nonce:nc:cnonce:qop:H(method:uri)).
    const ha2 = H("md5", "GET:/dir/index.html");
    const expected = H(
      "md5",
      `${H("md5", "Mufasa:testrealm@host.com:Circle Of Life")}:${input.nonce}:00000001:0a4f113b:auth:${ha2}`,
    );
    assert.equal(calcResponse(input), expected);
    assert.equal(calcResponse(input), "6629fae49393a05397450978507c4ef1", "the RFC's printed response");
  });

  test("RFC 7616 §3.9.1 example used by RFC 8760: MD5 and SHA-256", () => {
    const common = {
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      method: "GET",
      uri: "/dir/index.html",
      qop: "auth",
      nc: "00000001",
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    };
    for (const [name, hash, printed] of [
      ["MD5", "md5", "8ca523f5e9506fed4657c9700eebdbec"],
      ["SHA-256", "sha256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
    ] as const) {
      const alg = digestAlgorithm(name)!;
      const ha1 = calcHA1(alg, "Mufasa", "http-auth@example.org", "Circle of Life");
      assert.equal(ha1, H(hash, "Mufasa:http-auth@example.org:Circle of Life"));
      const expected = H(
        hash,
        `${ha1}:${common.nonce}:00000001:${common.cnonce}:auth:${H(hash, "GET:/dir/index.html")}`,
      );
      const got = calcResponse({ alg, ha1, ...common });
      assert.equal(got, expected);
      assert.equal(got, printed);
    }
  });

  test("without qop the RFC 2069 form H(HA1:nonce:HA2) is used; -sess rehashes HA1; auth-int hashes the body", () => {
    const md5 = digestAlgorithm()!;
    const ha1 = calcHA1(md5, "bob", "biloxi.com", "zanzibar");
    const ha2 = H("md5", "REGISTER:sip:biloxi.com");
    assert.equal(
      calcResponse({ alg: md5, ha1, nonce: "n1", method: "REGISTER", uri: "sip:biloxi.com" }),
      H("md5", `${ha1}:n1:${ha2}`),
    );
    const sess = digestAlgorithm("md5-sess")!;
    assert.equal(sess.name, "MD5-sess");
    assert.equal(
      calcResponse({
        alg: sess,
        ha1,
        nonce: "n1",
        method: "REGISTER",
        uri: "sip:biloxi.com",
        qop: "auth",
        nc: "00000001",
        cnonce: "c",
      }),
      H("md5", `${H("md5", `${ha1}:n1:c`)}:n1:00000001:c:auth:${ha2}`),
    );
    const body = "v=0\r\n";
    assert.equal(
      calcResponse({
        alg: md5,
        ha1,
        nonce: "n1",
        method: "INVITE",
        uri: "sip:a@b",
        qop: "auth-int",
        nc: "00000002",
        cnonce: "c",
        body,
      }),
      H("md5", `${ha1}:n1:00000002:c:auth-int:${H("md5", `INVITE:sip:a@b:${H("md5", body)}`)}`),
    );
  });

  test("SHA-512-256 is supported (RFC 8760 §3)", () => {
    const alg = digestAlgorithm("SHA-512-256")!;
    assert.equal(alg.hexLength, 64);
    assert.equal(calcHA1(alg, "u", "r", "p"), H("sha512-256", "u:r:p"));
    assert.equal(digestAlgorithm("SHA-1"), undefined);
  });
});

describe("Authorization header parsing", () => {
  test("reads quoted and token params, splits user@domain, unescapes quoted-pairs", () => {
    const c = parseCredentials(
      'Digest username="alice@example.com", realm="example.com", nonce="abc", uri="sip:example.com", ' +
        'response="0123456789abcdef0123456789abcdef", algorithm=SHA-256, cnonce="x\\"y", qop=auth, nc=0000000a, opaque=""',
    );
    assert.ok(c);
    assert.equal(c.username, "alice@example.com");
    assert.equal(c.user, "alice");
    assert.equal(c.domain, "example.com");
    assert.equal(c.algorithm, "SHA-256");
    assert.equal(c.cnonce, 'x"y');
    assert.equal(c.qop, "auth");
    assert.equal(c.nc, "0000000a");
    assert.equal(c.opaque, "");
    assert.ok(credentialsComplete(c));
  });

  test("rejects other schemes and broken syntax; flags incomplete credentials", () => {
    assert.equal(parseCredentials("Basic dXNlcjpwYXNz"), undefined);
    assert.equal(parseCredentials('Digest username="unterminated'), undefined);
    const noNc = parseCredentials(
      'Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c"',
    )!;
    assert.equal(credentialsComplete(noNc), false);
    const noUri = parseCredentials('Digest username="a", realm="r", nonce="n", response="x"')!;
    assert.equal(credentialsComplete(noUri), false);
  });
});
