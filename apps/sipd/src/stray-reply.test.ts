/**
 * Stray replies with malformed Vias (found by `npm run reliability:fuzz`): a response no transaction
 * wants is relayed by its second Via when the top one is sipd's (§18.2.2), and that is where its Vias
 * are first parsed. A bad Via there rejected a promise nobody caught, and node ended the process: one
 * datagram stopped sipd. Each reply below must be dropped while sipd keeps answering.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { startTestSipd, type TestSipd } from "./testing/harness.ts";

function reply(vias: string[], n: number): string {
  return [
    "SIP/2.0 200 OK",
    ...vias.map((v) => `Via: ${v}`),
    "From: <sip:a@127.0.0.1>;tag=1",
    "To: <sip:b@127.0.0.1>;tag=2",
    `Call-ID: stray-${n}@127.0.0.1`,
    "CSeq: 1 INVITE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

function options(sock: Socket, port: number): Promise<string> {
  const local = sock.address().port;
  const req = [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-after-strays;rport`,
    "Max-Forwards: 70",
    "From: <sip:probe@127.0.0.1>;tag=p",
    `To: <sip:127.0.0.1:${port}>`,
    "Call-ID: after-strays@127.0.0.1",
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer to OPTIONS")), 5000);
    sock.on("message", (m) => {
      const text = m.toString("latin1");
      if (!text.includes("z9hG4bK-after-strays")) return;
      clearTimeout(timer);
      resolve(text.slice(0, text.indexOf("\r\n")));
    });
    sock.send(req, port, "127.0.0.1");
  });
}

describe("stray replies with malformed Vias", () => {
  let t: TestSipd;
  let sock: Socket;
  before(async () => {
    t = await startTestSipd({}, { seed: false });
    sock = createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  });
  after(async () => {
    sock.close();
    await t.stop();
  });

  it("are dropped, and sipd keeps answering", async () => {
    const own = `SIP/2.0/UDP 127.0.0.1:${t.port};branch=z9hG4bK-own`;
    const strays = [
      [own, "SIP/2.0/UDP 127.0.0.1:9;branch=x ;;=; bad"],
      [own, "SIP/2.0/UDP"],
      [own, "SIP/2.0/UDP 127.0.0.1:99999999999999999999"],
      [`SIP/2.0/UDP 127.0.0.1:${t.port};branch=z9hG4bK-own;;;=`, "SIP/2.0/UDP 127.0.0.1:9"],
      ["SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-noport", "SIP/2.0/UDP 127.0.0.1:9;=;"],
    ];
    const before0 = { ...t.sipd.transport.counters };
    strays.forEach((vias, i) => {
      sock.send(reply(vias, i), t.port, "127.0.0.1");
    });
    assert.equal(await options(sock, t.port), "SIP/2.0 200 Keepalive");
    const c = t.sipd.transport.counters;
    assert.equal(c.fwd_replies, before0.fwd_replies, "nothing relayed");
    assert.ok(
      c.drop_replies + c.err_requests - before0.drop_replies - before0.err_requests >= strays.length - 1,
      JSON.stringify(c),
    );
  });
});
