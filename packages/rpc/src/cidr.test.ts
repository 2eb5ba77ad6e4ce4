import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCidrMatcher, ipInCidr, LOOPBACK_CIDRS, normalizeIp, parseCidr, parseIp } from "./cidr.ts";

describe("CIDR matching", () => {
  it("matches IPv4 networks at any prefix length", () => {
    assert.equal(ipInCidr("10.1.2.3", "10.0.0.0/8"), true);
    assert.equal(ipInCidr("11.1.2.3", "10.0.0.0/8"), false);
    assert.equal(ipInCidr("192.168.1.129", "192.168.1.128/25"), true);
    assert.equal(ipInCidr("192.168.1.127", "192.168.1.128/25"), false);
    assert.equal(ipInCidr("1.2.3.4", "0.0.0.0/0"), true);
    assert.equal(ipInCidr("1.2.3.4", "1.2.3.4"), true);
    assert.equal(ipInCidr("1.2.3.5", "1.2.3.4"), false);
  });

  it("matches IPv6 networks, compressed forms and zones", () => {
    assert.equal(ipInCidr("2001:db8::1", "2001:db8::/32"), true);
    assert.equal(ipInCidr("2001:db9::1", "2001:db8::/32"), false);
    assert.equal(ipInCidr("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128"), true);
    assert.equal(ipInCidr("fe80::1%eth0", "fe80::/10"), true);
    assert.equal(ipInCidr("[::1]", "::1/128"), true);
    assert.equal(ipInCidr("::1", "::/0"), true);
  });

  it("treats IPv4-mapped IPv6 as IPv4, as client address and inside a CIDR", () => {
    assert.equal(ipInCidr("::ffff:127.0.0.1", "127.0.0.0/8"), true);
    assert.equal(ipInCidr("::ffff:7f00:1", "127.0.0.0/8"), true);
    assert.equal(ipInCidr("127.0.0.1", "::ffff:127.0.0.0/104"), true);
    assert.equal(ipInCidr("128.0.0.1", "::ffff:127.0.0.0/104"), false);
    assert.equal(ipInCidr("::ffff:10.0.0.1", "::/0"), false); // ::/0 is IPv6 only
    assert.equal(normalizeIp("::ffff:192.0.2.1"), "192.0.2.1");
    assert.equal(normalizeIp("2001:db8::1"), "2001:db8::1");
  });

  it("does not mix families", () => {
    assert.equal(ipInCidr("127.0.0.1", "::1/128"), false);
    assert.equal(ipInCidr("::1", "127.0.0.0/8"), false);
  });

  it("refuses malformed addresses and prefixes", () => {
    for (const bad of [
      "10.0.0.0/33",
      "10.0.0/8",
      "010.0.0.1",
      "256.0.0.1",
      "::1/129",
      "1::2::3",
      "12345::",
      "x",
      "10.0.0.0/-1",
      "10.0.0.0/",
    ])
      assert.throws(() => parseCidr(bad), /invalid CIDR/, bad);
    for (const bad of ["1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":::", "1.2.3.4.5", ""])
      assert.equal(parseIp(bad), undefined, bad);
    assert.equal(ipInCidr("not-an-ip", "0.0.0.0/0"), false);
  });

  it("compiles an allow-list; the default is loopback only", () => {
    const loopback = createCidrMatcher(LOOPBACK_CIDRS);
    assert.equal(loopback("127.0.0.1"), true);
    assert.equal(loopback("127.8.9.10"), true);
    assert.equal(loopback("::1"), true);
    assert.equal(loopback("::ffff:127.0.0.1"), true);
    assert.equal(loopback("192.0.2.1"), false);
    assert.equal(loopback("::2"), false);
    assert.equal(createCidrMatcher([])("127.0.0.1"), false);
  });
});
