import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SipParseError } from "./errors.ts";
import { SipRequest, SipResponse } from "./message.ts";
import { parseMessage } from "./parser.ts";

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, "\r\n"));

const INVITE = crlf(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
To: Bob <sip:bob@example.com>
From: "Alice A." <sip:alice@example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@192.0.2.1:5062>
Content-Type: application/sdp
Content-Length: 4

v=0
`);

function parseError(buf: Buffer): SipParseError {
  try {
    parseMessage(buf);
  } catch (e) {
    assert.ok(e instanceof SipParseError);
    return e;
  }
  assert.fail("expected a SipParseError");
}

describe("parseMessage", () => {
  it("parses the request line and the hot-path headers", () => {
    const m = parseMessage(INVITE);
    assert.ok(m instanceof SipRequest);
    assert.equal(m.method, "INVITE");
    assert.equal(m.uri, "sip:bob@example.com");
    assert.equal(m.ruri.user, "bob");
    assert.equal(m.callId, "a84b4c76e66710@pc33.example.com");
    assert.deepEqual(m.cseq, { seq: 314159, method: "INVITE" });
    assert.equal(m.fromTag, "1928301774");
    assert.equal(m.from.displayName, "Alice A.");
    assert.equal(m.toTag, undefined);
    assert.equal(m.maxForwards, 70);
    assert.equal(m.via?.branch, "z9hG4bK776asdhds");
    assert.equal(m.via?.sentBy, "192.0.2.1:5062");
    assert.equal(m.via?.rport, true);
    assert.equal(m.body.toString(), "v=0\r");
  });

  it("parses a status line with an empty reason phrase", () => {
    const m = parseMessage(
      crlf(
        `SIP/2.0 100 \nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>\nCall-ID: x\nCSeq: 1 INVITE\n\n`,
      ),
    );
    assert.ok(m instanceof SipResponse);
    assert.equal(m.status, 100);
    assert.equal(m.reason, "");
  });

  it("answers a request with a broken CSeq with 400 and keeps what parsed", () => {
    const err = parseError(Buffer.from(INVITE.toString().replace("CSeq: 314159 INVITE", "CSeq: x INVITE")));
    assert.equal(err.kind, "request");
    assert.equal(err.status, 400);
    assert.equal(err.reason, "Bad CSeq");
    assert.equal(err.request?.callId, "a84b4c76e66710@pc33.example.com");
  });

  it("treats text that is not SIP as junk", () => {
    assert.equal(parseError(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).kind, "junk");
    assert.equal(parseError(Buffer.from("\x00\x01\x02")).kind, "junk");
  });

  it("treats a request without any Via as junk: no client could match an answer", () => {
    const err = parseError(Buffer.from(INVITE.toString().replace(/Via: [^\r]*\r\n/, "")));
    assert.equal(err.kind, "junk");
  });

  it("keeps a request with a broken Via answerable", () => {
    const err = parseError(Buffer.from(INVITE.toString().replace(/Via: [^\r]*/, "Via: SIP/2.0/UDP ;;")));
    assert.equal(err.kind, "request");
    assert.equal(err.request?.get("via"), "SIP/2.0/UDP ;;");
  });

  it("rejects a Content-Length larger than the datagram and truncates to a shorter one", () => {
    const big = parseError(
      Buffer.from(INVITE.toString().replace("Content-Length: 4", "Content-Length: 400")),
    );
    assert.equal(big.kind, "request");
    const short = parseMessage(
      Buffer.from(INVITE.toString().replace("Content-Length: 4", "Content-Length: 2")),
    );
    assert.equal(short.body.toString(), "v=");
  });

  it("serializes what it parsed and parses that again to the same values", () => {
    const m = parseMessage(INVITE);
    const again = parseMessage(m.serialize());
    assert.deepEqual(again.serialize(), m.serialize());
    assert.equal(again.callId, m.callId);
  });
});
