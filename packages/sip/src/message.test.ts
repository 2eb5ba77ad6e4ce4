import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalName, headerKey, parseNameAddr, splitList } from "./headers.ts";
import { isRfc3261Branch } from "./ids.ts";
import type { SipRequest } from "./message.ts";
import { applyReceived, responseTarget } from "./nat.ts";
import { parseMessage } from "./parser.ts";
import { createResponse, reasonPhrase } from "./response.ts";

const REQ = [
  "INVITE sip:bob@example.com SIP/2.0",
  "v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa, SIP/2.0/UDP proxy.example.net:5070;branch=z9hG4bKb",
  "Via: SIP/2.0/TCP edge.example.org;branch=z9hG4bKc",
  "Max-Forwards: 70",
  "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
  "To: <sip:bob@example.com>",
  'From: "A, B" <sip:alice@example.com>;tag=1',
  "i: call-1",
  "CSeq: 1 INVITE",
  "Record-Route: <sip:rr.example.com;lr>",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

const parse = (s = REQ) => parseMessage(Buffer.from(s)) as SipRequest;

describe("header names", () => {
  it("maps compact forms and case to one key and writes canonical names", () => {
    assert.equal(headerKey("v"), "via");
    assert.equal(headerKey("I"), "call-id");
    assert.equal(headerKey("CONTENT-length"), "content-length");
    assert.equal(canonicalName("call-id"), "Call-ID");
    assert.equal(canonicalName("m"), "Contact");
    assert.equal(canonicalName("www-authenticate"), "WWW-Authenticate");
    assert.equal(canonicalName("x-custom-thing"), "X-Custom-Thing");
  });

  it("splits lists on commas outside quotes and angle brackets", () => {
    assert.deepEqual(splitList('"Doe, J" <sip:a@b;x=1,2>, <sip:c@d> ,  sip:e@f'), [
      '"Doe, J" <sip:a@b;x=1,2>',
      "<sip:c@d>",
      "sip:e@f",
    ]);
  });

  it("parses name-addr and addr-spec, keeping header and URI parameters apart", () => {
    const a = parseNameAddr('"Alice \\"A\\"" <sip:alice@example.com;transport=tcp>;tag=x;expires=60');
    assert.equal(a.displayName, 'Alice "A"');
    assert.equal(a.uri.transport, "tcp");
    assert.equal(a.tag, "x");
    assert.equal(a.params.get("expires"), "60");
    assert.equal(a.toString(), '"Alice \\"A\\"" <sip:alice@example.com;transport=tcp>;tag=x;expires=60');
    const b = parseNameAddr("sip:bob@example.com;tag=y");
    assert.equal(b.uri.params.size, 0);
    assert.equal(b.tag, "y");
  });
});

describe("SipMessage header operations", () => {
  it("reads list headers across fields and comma lists, top first", () => {
    const m = parse();
    assert.deepEqual(
      m.vias().map((v) => v.branch),
      ["z9hG4bKa", "z9hG4bKb", "z9hG4bKc"],
    );
    assert.equal(m.via?.host, "pc33.example.com");
    assert.equal(m.get("route"), "<sip:p1.example.com;lr>");
    assert.equal(m.routes().length, 2);
    assert.equal(m.from.displayName, "A, B");
    assert.equal(m.callId, "call-1");
  });

  it("prepends Via and Record-Route on top and pops values out of comma lists", () => {
    const m = parse();
    m.prepend("via", "SIP/2.0/UDP me.example.com;branch=z9hG4bKme");
    assert.equal(m.via?.branch, "z9hG4bKme");
    assert.equal(m.headers[0].name, "Via");
    assert.equal(m.removeFirst("via"), "SIP/2.0/UDP me.example.com;branch=z9hG4bKme");
    assert.equal(m.removeFirst("via"), "SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa");
    assert.equal(m.via?.branch, "z9hG4bKb");
    assert.equal(m.vias().length, 2);
    m.prepend("record-route", "<sip:me.example.com;lr>");
    assert.deepEqual(
      m.recordRoutes().map((r) => r.uri.host),
      ["me.example.com", "rr.example.com"],
    );
    assert.equal(m.removeFirst("route"), "<sip:p1.example.com;lr>");
    assert.deepEqual(
      m.routes().map((r) => r.uri.host),
      ["p2.example.com"],
    );
  });

  it("sets, replaces and removes headers and keeps cached values in step", () => {
    const m = parse();
    m.set("Max-Forwards", "69");
    assert.equal(m.maxForwards, 69);
    m.replaceFirst("to", "<sip:bob@example.com>;tag=t2");
    assert.equal(m.toTag, "t2");
    assert.equal(m.remove("record-route"), 1);
    assert.equal(m.has("record-route"), false);
    m.setBody("hello", "text/plain");
    assert.equal(m.contentLength, 5);
    const again = parseMessage(m.serialize());
    assert.equal(again.body.toString(), "hello");
    assert.equal(again.get("content-type"), "text/plain");
  });

  it("keeps raw values and names of untouched headers when serializing", () => {
    const m = parse();
    m.uri = "sip:bob@192.0.2.9:5080";
    const text = m.serialize().toString();
    assert.ok(
      text.startsWith(
        "INVITE sip:bob@192.0.2.9:5080 SIP/2.0\r\nv: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa, ",
      ),
    );
    assert.ok(text.includes("\r\ni: call-1\r\n"));
    assert.equal(m.ruri.port, 5080);
  });

  it("corrects a Content-Length that does not match the body when serializing", () => {
    const m = parse();
    m.body = Buffer.from("abc");
    assert.ok(m.serialize().toString().includes("Content-Length: 3\r\n"));
  });
});

describe("responses, received/rport and response routing", () => {
  it("builds a response per §8.2.6.2: Vias, From, Call-ID, CSeq copied, To tagged", () => {
    const req = parse();
    const res = createResponse(req, 486, undefined, { toTag: "abc", headers: [["Retry-After", "30"]] });
    assert.equal(res.firstLine(), "SIP/2.0 486 Busy Here");
    assert.deepEqual(
      res.vias().map((v) => v.branch),
      ["z9hG4bKa", "z9hG4bKb", "z9hG4bKc"],
    );
    assert.equal(res.toTag, "abc");
    assert.equal(res.fromTag, "1");
    assert.equal(res.callId, "call-1");
    assert.deepEqual(res.cseq, { seq: 1, method: "INVITE" });
    assert.equal(res.get("retry-after"), "30");
    assert.equal(res.has("route"), false);
    assert.equal(createResponse(req, 100).toTag, undefined, "100 Trying gets no tag");
    assert.equal(reasonPhrase(499), "Bad Request");
  });

  it("adds received when sent-by differs, and rport=<port> plus received when asked (RFC 3581)", () => {
    const req = parse();
    assert.ok(applyReceived(req, "192.0.2.7", 5062));
    assert.equal(req.via?.received, "192.0.2.7");
    assert.equal(req.via?.rport, undefined);
    const r2 = parse(
      REQ.replace("branch=z9hG4bKa", "rport;branch=z9hG4bKa").replace("pc33.example.com", "192.0.2.7"),
    );
    applyReceived(r2, "192.0.2.7", 6000);
    assert.equal(r2.via?.rport, 6000);
    assert.equal(r2.via?.received, "192.0.2.7");
    assert.ok(
      r2
        .serialize()
        .toString()
        .includes("SIP/2.0/UDP 192.0.2.7;rport=6000;branch=z9hG4bKa;received=192.0.2.7, "),
    );
    const r3 = parse(REQ.replace("pc33.example.com", "192.0.2.7"));
    assert.equal(applyReceived(r3, "192.0.2.7", 5060), false, "nothing to add");
  });

  it("routes responses per §18.2.2: connection, maddr, received+rport, sent-by", () => {
    const via = (v: string) => parse(REQ.replace("SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa", v)).via!;
    assert.deepEqual(responseTarget(via("SIP/2.0/UDP h.example.com;branch=z9hG4bKa")), {
      proto: "udp",
      host: "h.example.com",
      port: 5060,
    });
    assert.deepEqual(
      responseTarget(via("SIP/2.0/UDP h.example.com:5070;received=192.0.2.1;rport=40000;branch=z9hG4bKa")),
      {
        proto: "udp",
        host: "192.0.2.1",
        port: 40000,
      },
    );
    assert.deepEqual(
      responseTarget(via("SIP/2.0/UDP h.example.com:5070;received=192.0.2.1;branch=z9hG4bKa")),
      {
        proto: "udp",
        host: "192.0.2.1",
        port: 5070,
      },
    );
    assert.deepEqual(
      responseTarget(via("SIP/2.0/UDP h.example.com;maddr=239.1.1.1;received=192.0.2.1;branch=z9hG4bKa")),
      {
        proto: "udp",
        host: "239.1.1.1",
        port: 5060,
      },
    );
    assert.deepEqual(
      responseTarget(via("SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKa"), {
        proto: "tcp",
        connectionId: 7,
      }),
      {
        proto: "tcp",
        host: "2001:db8::1",
        port: 5070,
        connectionId: 7,
      },
    );
    assert.equal(responseTarget(via("SIP/2.0/TLS h.example.com;branch=z9hG4bKa")).port, 5061);
  });

  it("recognises RFC 3261 branches only with the magic cookie and something after it", () => {
    assert.ok(isRfc3261Branch("z9hG4bK776asdhds"));
    assert.ok(!isRfc3261Branch("z9hG4bK"));
    assert.ok(!isRfc3261Branch("776asdhds"));
    assert.ok(!isRfc3261Branch(undefined));
  });
});
