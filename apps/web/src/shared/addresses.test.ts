import assert from "node:assert/strict";
import { test } from "node:test";
import { ipFamily, isHostname, networkError, sipUriError } from "./addresses";

test("networks: IPv4 and IPv6 with the mask in range and no host bits", () => {
  assert.equal(networkError("10.0.0.0", 8), null);
  assert.equal(networkError("192.0.2.10", 32), null);
  assert.equal(networkError("2001:db8::", 32), null);
  assert.equal(networkError("::1", 128), null);
  assert.equal(networkError("0.0.0.0", 0), null);
  assert.equal(networkError("10.0.0.0", 33), "mask must be 0-32 for IPv4");
  assert.equal(networkError("2001:db8::", 129), "mask must be 0-128 for IPv6");
  assert.equal(networkError("10.1.2.3", 8), "10.1.2.3/8 has host bits set; the network is 10.0.0.0/8");
  assert.equal(
    networkError("2001:db8::1", 64),
    "2001:db8::1/64 has host bits set; the network is 2001:db8::/64",
  );
  assert.match(networkError("10.0.0.0/8", 8)!, /without \/prefix/);
  assert.equal(networkError("10.0.0.256", 32), "not an IPv4 or IPv6 address");
  assert.match(networkError("::ffff:10.0.0.1", 128)!, /plain IPv4/);
});

test("host names and address families", () => {
  assert.ok(isHostname("gw1.example.com"));
  assert.ok(!isHostname("-bad.example.com"));
  assert.ok(!isHostname("a b"));
  assert.equal(ipFamily("192.0.2.1"), 4);
  assert.equal(ipFamily("2001:db8::1"), 6);
  assert.equal(ipFamily("[2001:db8::1]"), null);
  assert.equal(ipFamily("example.com"), null);
});

test("SIP URIs a proxy can send to", () => {
  for (const ok of [
    "sip:10.0.0.1",
    "sip:10.0.0.1:5060",
    "sips:gw.example.com:5061;transport=tls",
    "sip:alice@example.com",
    "sip:[2001:db8::1]:5060;transport=udp",
    "sip:gw.example.com;lr",
  ])
    assert.equal(sipUriError(ok), null, ok);
  assert.equal(sipUriError("10.0.0.1"), "must start with sip: or sips:");
  assert.equal(sipUriError("sip:10.0.0.1:70000"), "port must be 1-65535");
  assert.equal(sipUriError("sip:10.0.0.300"), "10.0.0.300 is not an IPv4 address");
  assert.equal(sipUriError("sip:[10.0.0.1]"), "[10.0.0.1] is not an IPv6 address");
  assert.equal(sipUriError("sip:gw_1.example.com"), "gw_1.example.com is not a valid host name");
  assert.equal(sipUriError("sip:gw;transport=foo"), "transport must be one of udp, tcp, tls, sctp, ws, wss");
  assert.equal(sipUriError("sip:a b"), "must not contain spaces");
  assert.equal(sipUriError("sip:gw?subject=x"), "must not carry ?headers");
});
