/**
 * RFC 4475 torture messages: the valid ones parse with the right values (and serialize back to
 * something that parses the same), the invalid ones are rejected the way the RFC recommends.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unescapeUri } from "./chars.ts";
import { SipParseError } from "./errors.ts";
import { isRfc3261Branch } from "./ids.ts";
import { SipRequest, SipResponse } from "./message.ts";
import { parseMessage } from "./parser.ts";
import * as T from "./rfc4475.fixtures.ts";
import { serverKey } from "./transaction.ts";
import { parseUri, uriEquals } from "./uri.ts";
import { validateHeaders } from "./validate.ts";

function request(buf: Buffer): SipRequest {
  const m = parseMessage(buf);
  assert.ok(m instanceof SipRequest);
  validateHeaders(m);
  return m;
}

function rejected(buf: Buffer): SipParseError {
  try {
    parseMessage(buf);
  } catch (e) {
    assert.ok(e instanceof SipParseError, String(e));
    return e;
  }
  assert.fail("message was accepted");
}

/** The message survives serialize -> parse with the same header values and body. */
function roundTrips(buf: Buffer) {
  const m = parseMessage(buf);
  const again = parseMessage(m.serialize());
  assert.equal(again.firstLine(), m.firstLine());
  assert.deepEqual(
    again.headers.map((h) => [h.key, h.value]),
    m.headers.map((h) => [h.key, h.value]),
  );
  assert.ok(again.body.equals(m.body));
  assert.ok(again.serialize().equals(m.serialize()), "serialization is stable");
}

describe("RFC 4475 §3.1.1 valid messages", () => {
  it("3.1.1.1 wsinv: folding, LWS everywhere, compact forms, escapes in quotes, leading zeros", () => {
    const m = request(T.wsinv);
    assert.equal(m.method, "INVITE");
    assert.ok(m.ruri.params.has("unknownparam"));
    assert.equal(m.to.uri.toString(), "sip:vivekg@chair-dnrc.example.com");
    assert.equal(m.toTag, "1918181833n");
    assert.equal(m.from.displayName, 'J Rosenberg \\"');
    assert.equal(m.fromTag, "98asjd8");
    assert.equal(m.maxForwards, 68);
    assert.equal(m.callId, "wsinv.ndaksdj@192.0.2.1");
    assert.deepEqual(m.cseq, { seq: 9, method: "INVITE" });
    assert.equal(m.get("subject"), "");
    assert.equal(m.get("NewFangledHeader"), "newfangled value continued newfangled value");
    assert.equal(m.get("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
    const vias = m.vias();
    assert.deepEqual(
      vias.map((v) => [v.transport, v.host, v.branch]),
      [
        ["UDP", "192.0.2.2", "390skdjuw"],
        ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
        ["UDP", "192.168.255.111", "z9hG4bK30239"],
      ],
    );
    assert.equal(isRfc3261Branch(vias[0].branch), false);
    const route = m.routes()[0];
    assert.ok(route.uri.lr);
    assert.equal(route.uri.params.get("unknownwith"), "value");
    const contacts = m.contacts();
    assert.ok(contacts !== "*");
    assert.equal(contacts[0].displayName, 'Quoted string ""');
    assert.equal(contacts[0].params.get("newparam"), "newvalue");
    assert.equal(contacts[0].params.get("secondparam"), null);
    assert.equal(contacts[0].params.get("q"), "0.33");
    assert.equal(m.body.length, 150);
    roundTrips(T.wsinv);
  });

  it("3.1.1.2 intmeth: the full token, word and UTF-8 character ranges", () => {
    const m = request(T.intmeth);
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    assert.equal(m.cseq.method, m.method);
    assert.equal(m.ruri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(m.ruri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(m.ruri.host, "example.com");
    assert.equal(m.via?.branch, "z9hG4bK-.!%66*_+`'~");
    assert.equal(m.to.displayName, "BEL:\x07 NUL:\x00 DEL:\x7f");
    assert.equal(m.from.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(m.from.params.get("fromParam''~+*_!.-%"), '"работающий"');
    assert.equal(m.fromTag, "_token~1'+`*%!-.");
    assert.equal(m.callId, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    assert.equal(m.maxForwards, 255);
    assert.equal(m.get("extensionHeader-!.%*+_`'~"), "\ufeff大停電");
    roundTrips(T.intmeth);
  });

  it("3.1.1.3 esc01: escaped characters in URIs compare equal to their unescaped forms", () => {
    const m = request(T.esc01);
    assert.equal(unescapeUri(m.ruri.user!), "sips:user@example.com");
    assert.equal(m.ruri.host, "example.net");
    assert.ok(uriEquals(m.to.uri, parseUri("sip:user@example.com")));
    assert.equal(unescapeUri(m.from.uri.user!), "I have spaces");
    assert.equal(m.get("content-type"), "application/sdp");
    const c = m.contacts();
    assert.ok(c !== "*");
    assert.ok(uriEquals(c[0].uri, parseUri("sip:caller@host5.example.net;lr;name=value%41")));
    roundTrips(T.esc01);
  });

  it("3.1.1.4 escnull: %00 in a user part is data, not a terminator", () => {
    const m = request(T.escnull);
    assert.equal(unescapeUri(m.to.uri.user!), "null-\x00-null");
    const c = m.contacts();
    assert.ok(c !== "*");
    assert.deepEqual(
      c.map((x) => unescapeUri(x.uri.user!)),
      ["\x00", "\x00\x00"],
    );
    assert.equal(m.contentLength, 0);
  });

  it("3.1.1.5 esc02: % outside URIs is not an escape", () => {
    const m = request(T.esc02);
    assert.equal(m.method, "RE%47IST%45R");
    assert.equal(m.to.displayName, "%Z%45");
    assert.equal(m.getAll("contact").length, 2, "C%6Fntact is another header");
    assert.equal(m.get("C%6Fntact"), "<sip:alias2@host2.example.com>");
  });

  it("3.1.1.6 lwsdisp: no LWS between display name and <", () => {
    const m = request(T.lwsdisp);
    assert.equal(m.from.displayName, "caller");
    assert.equal(m.from.uri.user, "caller");
  });

  it("3.1.1.7 longreq: long values and 34 Via fields spelt every way", () => {
    const m = request(T.longreq);
    const vias = m.vias();
    assert.equal(vias.length, 34);
    assert.equal(vias[0].host, "sip33.example.com");
    assert.equal(vias[33].branch, `very${"long".repeat(50)}branchvalue`);
    assert.equal(m.to.uri.port, 6000);
    assert.equal(m.to.displayName, `I have a user name of ${"extreme".repeat(10)} proportion`);
    assert.equal(m.fromTag, `12${"982".repeat(50)}424`);
    assert.equal(m.body.length, 150);
    roundTrips(T.longreq);
  });

  it("3.1.1.8 dblreq: octets after Content-Length in a datagram are ignored", () => {
    const m = request(T.dblreq);
    assert.equal(m.method, "REGISTER");
    assert.equal(m.body.length, 0);
    assert.equal(m.callId, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
  });

  it("3.1.1.9 semiuri: semicolons in the user part belong to the user", () => {
    const m = request(T.semiuri);
    assert.equal(m.ruri.user, "user;par=u%40example.net");
    assert.equal(m.ruri.host, "example.com");
    assert.equal(m.ruri.params.size, 0);
    assert.equal(m.getAll("accept").length, 6);
  });

  it("3.1.1.10 transports: unknown transports in Via parse", () => {
    const m = request(T.transports);
    assert.deepEqual(
      m.vias().map((v) => v.transport),
      ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"],
    );
  });

  it("3.1.1.11 mpart01: a binary multipart body comes through octet for octet", () => {
    const m = request(T.mpart01);
    assert.ok(m.body.equals(T.mpart01Body));
    assert.equal(m.via?.rport, true);
    roundTrips(T.mpart01);
  });

  it("3.1.1.12 unreason: a UTF-8 reason phrase", () => {
    const m = parseMessage(T.unreason);
    assert.ok(m instanceof SipResponse);
    assert.equal(m.status, 200);
    assert.equal(m.reason, "= 2**3 * 5**2 но сто девяносто девять - простое");
    assert.equal(m.body.length, 154);
    roundTrips(T.unreason);
  });

  it("3.1.1.13 noreason: an empty reason phrase", () => {
    const m = parseMessage(T.noreason);
    assert.ok(m instanceof SipResponse);
    assert.equal(m.status, 100);
    assert.equal(m.reason, "");
    roundTrips(T.noreason);
  });
});

describe("RFC 4475 §3.1.2 invalid messages", () => {
  const answered: Array<[string, Buffer, number]> = [
    ["3.1.2.1 badinv01 (empty Via/Contact parameters)", T.badinv01, 400],
    ["3.1.2.2 clerr (Content-Length larger than the datagram)", T.clerr, 400],
    ["3.1.2.3 ncl (negative Content-Length)", T.ncl, 400],
    ["3.1.2.4 scalar02 (CSeq over 2**32)", T.scalar02, 400],
    ["3.1.2.6 quotbal (unterminated quoted string)", T.quotbal, 400],
    ["3.1.2.7 ltgtruri (<> around the Request-URI)", T.ltgtruri, 400],
    ["3.1.2.8 lwsruri (LWS inside the Request-URI)", T.lwsruri, 400],
    ["3.1.2.9 lwsstart (several SP in the Request-Line)", T.lwsstart, 400],
    ["3.1.2.10 trws (SP after the Request-Line)", T.trws, 400],
    ["3.1.2.11 escruri (headers in the Request-URI)", T.escruri, 400],
    ["3.1.2.14 badaspec (spaces inside <addr-spec>)", T.badaspec, 400],
    ["3.1.2.15 baddn (comma in an unquoted display name)", T.baddn, 400],
    ["3.1.2.16 badvers (SIP/7.0)", T.badvers, 505],
    ["3.1.2.17 mismatch01 (CSeq method differs)", T.mismatch01, 400],
    ["3.1.2.18 mismatch02 (unknown method, CSeq method differs)", T.mismatch02, 400],
    ["3.3.1 insuf (no Call-ID, From, To)", T.insuf, 400],
    ["3.3.8 multi01 (two Call-IDs, CSeqs, Froms, Tos)", T.multi01, 400],
    ["3.3.9 mcl01 (two Content-Lengths)", T.mcl01, 400],
  ];
  for (const [name, buf, status] of answered) {
    it(`${name} is answered with ${status}`, () => {
      const err = rejected(buf);
      assert.equal(err.kind, "request");
      assert.equal(err.status, status);
      assert.ok(err.request, "what parsed is kept for the answer");
      assert.ok(err.reason.length > 0 && !/[\r\n]/.test(err.reason));
    });
  }

  it("3.1.2.5 scalarlg and 3.1.2.19 bigcode: broken responses are dropped", () => {
    assert.equal(rejected(T.scalarlg).kind, "response");
    assert.equal(rejected(T.bigcode).kind, "response");
  });

  it("3.1.2.12 baddate: a bad Date is not our business, the request is processed", () => {
    const m = request(T.baddate);
    assert.equal(m.get("date"), "Fri, 01 Jan 2010 16:00:00 EST");
  });

  it("3.1.2.13 regbadct: a Contact URI with headers outside <> is flagged when the Contact is used", () => {
    const m = parseMessage(T.regbadct);
    assert.throws(() => m.contacts(), SipParseError);
    assert.throws(() => validateHeaders(m), SipParseError);
  });
});

describe("RFC 4475 §3.2-3.4 transaction and application layer messages", () => {
  it("3.2.1 badbranch: a bare magic cookie is not an RFC 3261 branch (RFC 2543 matching)", () => {
    const m = request(T.badbranch);
    assert.equal(m.via?.branch, "z9hG4bK");
    assert.equal(isRfc3261Branch(m.via?.branch), false);
    assert.ok(serverKey(m).startsWith("2543|"));
  });

  it("3.3.2 unkscm and 3.3.3 novelsc: unknown Request-URI schemes parse (416 is the core's call)", () => {
    assert.equal(request(T.unkscm).ruri.scheme, "nobodyknowsthisscheme");
    const novel = request(T.novelsc).ruri;
    assert.equal(novel.scheme, "soap.beep");
    assert.equal(novel.opaque, "//192.0.2.103:3002");
  });

  it("3.3.4 unksm2: unknown schemes in To, From and Contact parse", () => {
    const m = request(T.unksm2);
    assert.equal(m.to.uri.scheme, "isbn");
    assert.equal(m.from.uri.scheme, "http");
    const c = m.contacts();
    assert.ok(c !== "*");
    assert.equal(c[0].uri.toString(), "name:John_Smith");
  });

  it("3.3.11 zeromf: Max-Forwards 0 parses (483 is the proxy's call)", () => {
    assert.equal(request(T.zeromf).maxForwards, 0);
  });

  it("3.3.12 cparam01 / 3.3.13 cparam02: parameters outside <> belong to the header, inside to the URI", () => {
    const c1 = request(T.cparam01).contacts();
    assert.ok(c1 !== "*");
    assert.ok(c1[0].params.has("unknownparam"));
    assert.equal(c1[0].uri.params.size, 0);
    const c2 = request(T.cparam02).contacts();
    assert.ok(c2 !== "*");
    assert.ok(c2[0].uri.params.has("unknownparam"));
    assert.equal(c2[0].params.size, 0);
  });

  it("3.3.14 regescrt: an escaped Route header inside a <> Contact URI is kept as a URI header", () => {
    const c = request(T.regescrt).contacts();
    assert.ok(c !== "*");
    assert.equal(unescapeUri(c[0].uri.headers.get("route") ?? ""), "<sip:sip.example.com>");
  });

  it("3.4.1 inv2543: an RFC 2543 INVITE without branch or From tag parses and gets a 2543 key", () => {
    const m = request(T.inv2543);
    assert.equal(m.via?.branch, undefined);
    assert.equal(m.fromTag, undefined);
    assert.equal(m.recordRoutes()[0].uri.params.get("maddr"), "ss1.example.com");
    assert.ok(serverKey(m).startsWith("2543|"));
  });
});
