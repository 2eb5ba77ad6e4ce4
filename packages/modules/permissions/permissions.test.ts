import assert from "node:assert/strict";
import { test } from "node:test";
import { type AddressRow, buildAddress, findAddressGroup, matchAddress } from "./address.ts";
import { buildTrusted, matchTrusted, type TrustedRow } from "./trusted.ts";

let id = 1;
const addr = (r: Partial<AddressRow> & Pick<AddressRow, "ipAddr">): AddressRow => ({
  id: id++,
  grp: 1,
  mask: 32,
  port: 0,
  tag: null,
  ...r,
});

const { data: A, issues: addressIssues } = buildAddress(
  [
    addr({ ipAddr: "192.0.2.10", tag: "pbx" }),
    addr({ ipAddr: "192.0.2.11", port: 5080 }),
    addr({ ipAddr: "10.20.0.0", mask: 16, tag: "office" }),
    addr({ ipAddr: "10.20.30.0", mask: 24, port: 5060, tag: "never-first" }),
    addr({ ipAddr: "2001:db8::10", mask: 128, tag: "v6-host" }),
    addr({ ipAddr: "2001:db8:1::", mask: 48, tag: "v6-net" }),
    addr({ grp: 2, ipAddr: "198.51.100.0", mask: 24, port: 5061 }),
    addr({ grp: 3, ipAddr: "gw.example.com", port: 0, tag: "by-name" }),
    addr({ ipAddr: "192.0.2.99", mask: 33 }),
  ],
  512,
);

test("exact IPv4/IPv6 addresses with port 0 (any) or a given port", () => {
  assert.deepEqual(matchAddress(A, 1, "192.0.2.10", 40000), { allowed: true, tag: "pbx" });
  assert.deepEqual(matchAddress(A, 1, "::ffff:192.0.2.10", 5060), { allowed: true, tag: "pbx" });
  assert.equal(matchAddress(A, 1, "192.0.2.11", 5080).allowed, true);
  assert.equal(matchAddress(A, 1, "192.0.2.11", 5060).allowed, false);
  assert.deepEqual(matchAddress(A, 1, "2001:DB8:0::10", 5060), { allowed: true, tag: "v6-host" });
  assert.equal(matchAddress(A, 2, "192.0.2.10", 5060).allowed, false, "other group");
});

test("CIDR subnets for IPv4 and IPv6, the first matching subnet of the group wins", () => {
  assert.deepEqual(matchAddress(A, 1, "10.20.30.40", 5060), { allowed: true, tag: "office" });
  assert.equal(matchAddress(A, 1, "10.21.0.1", 5060).allowed, false);
  assert.deepEqual(matchAddress(A, 1, "2001:db8:1:ffff::1", 5060), { allowed: true, tag: "v6-net" });
  assert.equal(matchAddress(A, 1, "2001:db8:2::1", 5060).allowed, false);
  assert.equal(matchAddress(A, 2, "198.51.100.77", 5061).allowed, true);
  assert.equal(matchAddress(A, 2, "198.51.100.77", 5060).allowed, false, "subnet with a port");
});

test("names in ip_addr match allow_address given that name; bad masks are reported", () => {
  assert.deepEqual(matchAddress(A, 3, "gw.example.com", 5060), { allowed: true, tag: "by-name" });
  assert.equal(matchAddress(A, 3, "other.example.com", 5060).allowed, false);
  assert.deepEqual(
    addressIssues.map((i) => i.message),
    ["invalid mask 33 for 192.0.2.99"],
  );
});

test("address group lookup: exact entries first, then subnets", () => {
  assert.equal(findAddressGroup(A, "198.51.100.1", 5061), 2);
  assert.equal(findAddressGroup(A, "192.0.2.10", 1), 1);
  assert.equal(findAddressGroup(A, "203.0.113.1", 5060), -1);
});

test("max_subnets caps the subnet table and reports the rows left out", () => {
  const r = buildAddress([addr({ ipAddr: "10.0.0.0", mask: 8 }), addr({ ipAddr: "11.0.0.0", mask: 8 })], 1);
  assert.equal(r.data.subnets.length, 1);
  assert.match(r.issues[0].message, /subnet table is full/);
});

let tid = 1;
const trusted = (r: Partial<TrustedRow> & Pick<TrustedRow, "srcIp">): TrustedRow => ({
  id: tid++,
  proto: "any",
  fromPattern: null,
  ruriPattern: null,
  tag: null,
  priority: 0,
  ...r,
});

const T = buildTrusted([
  trusted({
    srcIp: "192.0.2.20",
    proto: "udp",
    fromPattern: "^sip:.*@carrier\\.example$",
    tag: "carrier-udp",
  }),
  trusted({ srcIp: "192.0.2.20", proto: "tcp", tag: "carrier-tcp" }),
  trusted({ srcIp: "192.0.2.21", ruriPattern: "^sip:+\\{0,1\\}49", tag: "de-only", priority: 1 }),
  trusted({ srcIp: "192.0.2.21", tag: "low", priority: 0 }),
  trusted({ srcIp: "192.0.2.21", tag: "high", priority: 9, fromPattern: "^sip:vip@" }),
  trusted({ srcIp: "2001:db8::20", proto: "tls", tag: "v6" }),
  trusted({ srcIp: "192.0.2.22", proto: "none", tag: "never" }),
  trusted({ srcIp: "192.0.2.23", proto: "xyz" }),
  trusted({ srcIp: "192.0.2.24", fromPattern: "^sip:\\(a" }),
]);

test("allow_trusted matches source IP, protocol and the From pattern (POSIX basic regex)", () => {
  const from = "sip:alice@carrier.example";
  assert.deepEqual(matchTrusted(T.data, "192.0.2.20", "udp", from, "sip:1@a", false), {
    allowed: true,
    tag: "carrier-udp",
    tags: ["carrier-udp"],
  });
  assert.equal(
    matchTrusted(T.data, "192.0.2.20", "udp", "sip:alice@other.example", "sip:1@a", false).allowed,
    false,
  );
  assert.equal(matchTrusted(T.data, "192.0.2.20", "tcp", "sip:x@y", "sip:1@a", false).tag, "carrier-tcp");
  assert.equal(matchTrusted(T.data, "192.0.2.20", "tls", from, "sip:1@a", false).allowed, false);
  assert.equal(matchTrusted(T.data, "192.0.2.20", "any", from, "sip:1@a", false).tag, "carrier-udp");
  assert.equal(matchTrusted(T.data, "2001:DB8::20", "tls", from, "sip:1@a", false).tag, "v6");
  assert.equal(
    matchTrusted(T.data, "192.0.2.22", "udp", from, "sip:1@a", false).allowed,
    false,
    "proto none",
  );
});

test("allow_trusted tries entries by priority and the R-URI pattern; peer_tag_mode 1 gives all tags", () => {
  assert.equal(matchTrusted(T.data, "192.0.2.21", "udp", "sip:vip@x", "sip:+4930@x", false).tag, "high");
  assert.equal(matchTrusted(T.data, "192.0.2.21", "udp", "sip:bob@x", "sip:+4930@x", false).tag, "de-only");
  assert.equal(matchTrusted(T.data, "192.0.2.21", "udp", "sip:bob@x", "sip:4930@x", false).tag, "de-only");
  assert.equal(matchTrusted(T.data, "192.0.2.21", "udp", "sip:bob@x", "sip:+3330@x", false).tag, "low");
  assert.deepEqual(matchTrusted(T.data, "192.0.2.21", "udp", "sip:vip@x", "sip:+4930@x", true).tags, [
    "high",
    "de-only",
    "low",
  ]);
});

test("unknown protocols and invalid patterns are reported with their row ids", () => {
  assert.deepEqual(
    T.issues.map((i) => i.message.split(":")[0]),
    ["unknown protocol xyz", "invalid regular expression"],
  );
  assert.equal(T.size, 6);
});
