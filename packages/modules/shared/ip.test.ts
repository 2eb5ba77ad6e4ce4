import assert from "node:assert/strict";
import { test } from "node:test";
import { ipEquals, ipInNet, parseIp } from "./ip.ts";

test("parseIp reads IPv4, IPv6 (with or without brackets) and rejects names", () => {
  assert.equal(parseIp("192.0.2.1")?.text, "192.0.2.1");
  assert.equal(parseIp("[2001:DB8:0:0:0:0:0:1]")?.text, "2001:db8::1");
  assert.equal(parseIp("2001:db8:0:1:0:0:0:0")?.text, "2001:db8:0:1::");
  assert.equal(parseIp("::")?.text, "::");
  assert.equal(parseIp("gw.example.com"), null);
  assert.equal(parseIp("300.1.1.1"), null);
});

test("an IPv4-mapped IPv6 address is the IPv4 address", () => {
  const a = parseIp("::ffff:192.0.2.7")!;
  assert.equal(a.af, 4);
  assert.ok(ipEquals(a, parseIp("192.0.2.7")!));
});

test("ipInNet checks CIDR prefixes for both families and never across them", () => {
  const net4 = parseIp("10.1.0.0")!;
  assert.ok(ipInNet(parseIp("10.1.255.3")!, net4, 16));
  assert.ok(!ipInNet(parseIp("10.2.0.1")!, net4, 16));
  assert.ok(ipInNet(parseIp("10.1.0.1")!, parseIp("10.1.0.0")!, 31));
  assert.ok(!ipInNet(parseIp("10.1.0.2")!, parseIp("10.1.0.0")!, 31));
  const net6 = parseIp("2001:db8:abcd::")!;
  assert.ok(ipInNet(parseIp("2001:db8:abcd:12::5")!, net6, 48));
  assert.ok(!ipInNet(parseIp("2001:db8:abce::5")!, net6, 48));
  assert.ok(!ipInNet(parseIp("10.1.0.1")!, net6, 0));
  assert.ok(ipInNet(parseIp("203.0.113.9")!, parseIp("0.0.0.0")!, 0));
});
