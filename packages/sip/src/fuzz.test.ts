/**
 * Fuzzing with a seeded PRNG (the same inputs on every run): mutated messages — bit flips,
 * truncations, huge headers, bad Content-Length, invalid UTF-8, spliced junk — must never crash the
 * parser (only SipParseError may come out) nor a live UDP+TCP transport, whose counters must move.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { SipParseError } from "./errors.ts";
import { parseMessage } from "./parser.ts";
import * as T from "./rfc4475.fixtures.ts";
import { TransactionLayer } from "./transaction.ts";
import { TransportLayer } from "./transport.ts";
import { validateHeaders } from "./validate.ts";

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: Buffer[] = [
  T.wsinv,
  T.intmeth,
  T.esc01,
  T.longreq,
  T.mpart01,
  T.unreason,
  T.noreason,
  T.semiuri,
  T.inv2543,
  Buffer.from(
    "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKreg1;rport\r\n" +
      "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a\r\nTo: <sip:alice@example.com>\r\n" +
      "Call-ID: reg1@127.0.0.1\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:5099>;expires=60\r\n" +
      'Authorization: Digest username="alice", realm="example.com", nonce="abc", uri="sip:example.com", response="0123"\r\n' +
      "Content-Length: 0\r\n\r\n",
  ),
];

const TOKENS = [
  "\r\n",
  "\r\n\r\n",
  ";",
  ",",
  ":",
  "<",
  ">",
  '"',
  "\\",
  " ",
  "\t",
  "%",
  "@",
  "=",
  "/",
  "[",
  "]",
  "\x00",
];

/** One mutated copy of a seed message. */
function mutate(rand: () => number, seed: Buffer): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  let b = Buffer.from(seed);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(9)) {
      case 0: // bit flips
        for (let i = 0; i < 1 + pick(8); i++) {
          const j = pick(b.length);
          if (b.length) b[j] ^= 1 << pick(8);
        }
        break;
      case 1: // truncation
        b = b.subarray(0, at);
        break;
      case 2: // a huge header
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(`X-Huge: ${"h".repeat(1000 + pick(70000))}\r\n`),
          b.subarray(at),
        ]);
        break;
      case 3: {
        // a bad Content-Length
        const bad = ["-1", "99999999999", "abc", "", " 5 5", "4294967296", String(pick(5000))][pick(7)];
        b = Buffer.from(
          b.toString("latin1").replace(/(Content-Length|l)\s*:[^\r\n]*/i, `Content-Length: ${bad}`),
          "latin1",
        );
        break;
      }
      case 4: // invalid UTF-8
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
          b.subarray(at),
        ]);
        break;
      case 5: // a grammar character spliced in
        b = Buffer.concat([b.subarray(0, at), Buffer.from(TOKENS[pick(TOKENS.length)]), b.subarray(at)]);
        break;
      case 6: {
        // a chunk deleted
        const len = pick(40);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      }
      case 7: {
        // a chunk duplicated (repeated headers, repeated start lines)
        const len = pick(80);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      default: // random bytes
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(Array.from({ length: pick(30) }, () => pick(256))),
          b.subarray(at),
        ]);
    }
  }
  return b;
}

function* corpus(seed: number, count: number): Generator<Buffer> {
  const rand = prng(seed);
  for (let i = 0; i < count; i++) yield mutate(rand, SEEDS[Math.floor(rand() * SEEDS.length)]);
}

/** Only SipParseError may escape the parser and the lazy accessors. */
function expectParseErrorOnly(fn: () => void) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
}

describe("fuzzing the parser", () => {
  it("survives 20,000 mutated messages: a message or a SipParseError, and what parses round-trips", () => {
    let parsed = 0;
    let refused = 0;
    for (const buf of corpus(0x5eed, 20_000)) {
      let msg: ReturnType<typeof parseMessage> | undefined;
      try {
        msg = parseMessage(buf);
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        assert.ok(["junk", "request", "response"].includes(e.kind));
        refused++;
        continue;
      }
      parsed++;
      expectParseErrorOnly(() => validateHeaders(msg));
      const again = parseMessage(msg.serialize());
      assert.equal(again.firstLine(), msg.firstLine());
      assert.ok(again.body.equals(msg.body));
    }
    assert.equal(parsed + refused, 20_000);
    assert.ok(parsed > 1000 && refused > 1000, `parsed ${parsed}, refused ${refused}`);
  });
});

describe("fuzzing a live transport on 127.0.0.1 (UDP and TCP)", () => {
  it("keeps serving after 10,000 mutated datagrams and 1,000 mutated stream messages, counting drops", async () => {
    const transport = new TransportLayer({ tcpIdleTimeoutMs: 2000 });
    const layer = new TransactionLayer(transport, { T1: 50 });
    const errors: unknown[] = [];
    transport.onError = (e) => errors.push(e);
    let options = 0;
    layer.onRequest = (req, tx) => {
      if (req.method === "OPTIONS" && req.callId === "probe@fuzz") {
        options++;
        tx?.reply(200);
      }
    };
    const udp = await transport.listen("udp:127.0.0.1:0");
    const tcp = await transport.listen("tcp:127.0.0.1:0");

    const client = createSocket("udp4");
    client.bind(0, "127.0.0.1");
    await once(client, "listening");
    try {
      const answers: Buffer[] = [];
      client.on("message", (d) => answers.push(d));
      const probe = (port: number) =>
        Buffer.from(
          `OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKprobe${Math.random()};rport\r\n` +
            "Max-Forwards: 70\r\nFrom: <sip:fuzz@127.0.0.1>;tag=f\r\nTo: <sip:probe@127.0.0.1>\r\nCall-ID: probe@fuzz\r\n" +
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        );
      const sendUdp = (b: Buffer) =>
        new Promise<void>((resolve) =>
          client.send(b.subarray(0, 65000), udp.port, "127.0.0.1", () => resolve()),
        );

      let n = 0;
      for (const buf of corpus(0xf00d, 10_000)) {
        await sendUdp(buf);
        // Let the receiver drain now and then so the kernel buffer does not overflow.
        if (++n % 200 === 0) await new Promise((r) => setImmediate(r));
      }
      // The probe is answered once everything before it was handled: the transport is alive.
      const clientPort = client.address().port;
      const answered = new Promise<void>((resolve) => {
        client.on("message", (d) => {
          if (d.includes("probe@fuzz") && d.includes("SIP/2.0 200")) resolve();
        });
      });
      await sendUdp(probe(clientPort));
      await answered;

      // TCP: mutated messages written in random-sized pieces over a few connections.
      const rand = prng(0xbeef);
      let conn: Socket | undefined;
      const open = async () => {
        const s = connect({ host: "127.0.0.1", port: tcp.port });
        s.on("error", () => {});
        s.on("data", () => {});
        await once(s, "connect");
        return s;
      };
      for (const buf of corpus(0xcafe, 1000)) {
        if (!conn || conn.destroyed || conn.writableEnded || conn.readableEnded) conn = await open();
        for (let i = 0; i < buf.length; ) {
          const piece = 1 + Math.floor(rand() * 3000);
          const ok = conn.write(buf.subarray(i, i + piece));
          i += piece;
          if (!ok) await Promise.race([once(conn, "drain"), once(conn, "close")]);
          if (conn.destroyed) break;
        }
        // A framing error closes the connection; start a fresh one for what follows.
        if (rand() < 0.05) {
          conn.destroy();
          conn = undefined;
        }
      }
      conn?.destroy();
      const tcpProbe = await open();
      const tcpAnswer = new Promise<void>((resolve) => {
        let text = "";
        tcpProbe.on("data", (d) => {
          text += d.toString("latin1");
          if (text.includes("SIP/2.0 200")) resolve();
        });
      });
      tcpProbe.write(probe(9).toString().replace("SIP/2.0/UDP", "SIP/2.0/TCP"));
      await tcpAnswer;
      tcpProbe.destroy();

      const c = transport.counters;
      assert.ok(c.drop_requests > 100, `drop_requests ${c.drop_requests}`);
      assert.ok(c.err_requests >= c.bad_msg_hdr);
      assert.ok(c.rcv_requests + c.rcv_replies > 100, "well-formed mutants still get through");
      assert.equal(options, 2);
      // Failed sends of 400s to peers that went away are reported; nothing else may be.
      const isSystemError = (e: unknown) => typeof e === "object" && e !== null && "code" in e;
      assert.deepEqual(
        errors.filter((e) => !isSystemError(e)),
        [],
      );
    } finally {
      client.close();
      layer.close();
      await transport.close();
    }
  });
});
