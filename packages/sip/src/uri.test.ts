import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SipParseError } from "./errors.ts";
import { parseUri, uriEquals } from "./uri.ts";

describe("parseUri", () => {
  it("reads user, password, host, port, parameters and headers of a SIP URI", () => {
    const u = parseUri(
      "sips:alice:secret@example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&priority=urgent",
    );
    assert.equal(u.scheme, "sips");
    assert.equal(u.user, "alice");
    assert.equal(u.password, "secret");
    assert.equal(u.host, "example.com");
    assert.equal(u.port, 5061);
    assert.equal(u.transport, "tcp");
    assert.ok(u.lr);
    assert.equal(u.params.get("maddr"), "239.255.255.1");
    assert.equal(u.headers.get("subject"), "hi");
    assert.equal(
      u.toString(),
      "sips:alice:secret@example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&priority=urgent",
    );
  });

  it("reads IPv4 and bracketed IPv6 hosts", () => {
    assert.equal(parseUri("sip:192.0.2.1:5070").host, "192.0.2.1");
    const v6 = parseUri("sip:bob@[2001:db8::10]:5070;transport=udp");
    assert.equal(v6.host, "[2001:db8::10]");
    assert.equal(v6.hostAddress, "2001:db8::10");
    assert.equal(v6.port, 5070);
    assert.equal(parseUri("sip:[::1]").port, null);
  });

  it("reads tel URIs (RFC 3966) and keeps unknown schemes opaque", () => {
    const t = parseUri("tel:+1-201-555-0123;phone-context=example.com");
    assert.equal(t.scheme, "tel");
    assert.equal(t.user, "+1-201-555-0123");
    assert.equal(t.params.get("phone-context"), "example.com");
    assert.equal(t.toString(), "tel:+1-201-555-0123;phone-context=example.com");
    const m = parseUri("mailto:alice@example.com");
    assert.equal(m.opaque, "alice@example.com");
    assert.equal(m.toString(), "mailto:alice@example.com");
  });

  it("rejects malformed URIs with SipParseError", () => {
    for (const bad of [
      "sip:",
      "sip:user@",
      "<sip:a@b>",
      "sip:a@b:99999",
      "sip:a@b:x",
      "sip:a b@c",
      "sip:a@[::1",
      "sip:a@b;=x",
      "nocolon",
      "sip:a@b c",
    ]) {
      assert.throws(() => parseUri(bad), SipParseError, bad);
    }
    assert.throws(() => parseUri("sip:a@b?x=y", { allowHeaders: false }), SipParseError);
  });
});

describe("uriEquals (RFC 3261 §19.1.4)", () => {
  const eq = (a: string, b: string) => uriEquals(parseUri(a), parseUri(b));
  it("treats the §19.1.4 equivalent pairs as equal", () => {
    assert.ok(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
    assert.ok(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
    assert.ok(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"));
    assert.ok(
      eq(
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
        "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
      ),
    );
    assert.ok(
      eq(
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
        "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
      ),
    );
  });
  it("treats the §19.1.4 different pairs as different", () => {
    assert.ok(!eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
    assert.ok(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
    assert.ok(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
    assert.ok(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
    assert.ok(!eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
    assert.ok(!eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
    assert.ok(!eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  });
  it("compares tel numbers without visual separators and sip against sips as different", () => {
    assert.ok(eq("tel:+1-201-555-0123", "tel:+1.201.555.0123"));
    assert.ok(!eq("sip:a@b", "sips:a@b"));
  });
});
