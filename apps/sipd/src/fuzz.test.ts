/**
 * Fuzzing a live sipd: 20,000 mutated SIP messages (bit flips, truncations, huge headers, bad
 * Content-Length, invalid UTF-8, garbage) from a deterministic PRNG, over UDP and TCP. sipd must keep
 * running, count what it drops, and keep answering a well-formed OPTIONS during and after.
 *
 * Safety: the database is not seeded (no subscribers, aliases, contacts or dispatcher rows) and the
 * base messages carry no Route header, so the default script has nowhere to relay a request; every
 * host in them is a loopback address, and replies go to the real source address (§18.2.2). The test
 * checks at the end that sipd forwarded nothing.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { mulberry32 } from "@switchboard/db/prng";
import { startTestSipd, type TestSipd } from "./testing/harness.ts";

/** Deterministic random choices, so a failure replays with the same messages. */
function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}
type Rnd = ReturnType<typeof prng>;

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";

/** Well-formed messages to start from: requests of every kind the default script handles, a stray reply. */
function corpus(port: number): string[] {
  const me = `127.0.0.1:${port}`;
  const head = (method: string, ruri: string, extra: string[] = [], toTag = "") => [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-fuzz-${method.toLowerCase()};rport`,
    "Max-Forwards: 70",
    'From: "Fuzz \\"Tester\\"" <sip:fuzz@example.invalid>;tag=f1',
    `To: <sip:bob@${me}>${toTag}`,
    `Call-ID: fuzz-${method.toLowerCase()}@127.0.0.1`,
    `CSeq: 1 ${method}`,
    "Contact: <sip:fuzz@127.0.0.1:5999>",
    ...extra,
  ];
  const msg = (lines: string[], body = "") =>
    `${lines.join("\r\n")}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return [
    msg(head("OPTIONS", `sip:${me}`, ["Accept: application/sdp"])),
    msg(head("INVITE", `sip:bob@${me}`, ["Content-Type: application/sdp", "Supported: 100rel, timer"]), SDP),
    msg(head("REGISTER", `sip:${me}`, ["Expires: 3600"]).map((l) => l.replace("bob@", "fuzz@"))),
    msg(head("BYE", `sip:bob@${me}`, [], ";tag=t9")),
    msg(head("ACK", `sip:bob@${me}`, [], ";tag=t9")),
    msg(head("CANCEL", `sip:bob@${me}`)),
    msg(
      head("MESSAGE", `sip:bob@${me}`, ["Content-Type: text/plain;charset=utf-8"]),
      "h\u00e9llo w\u00f6rld \u2603",
    ),
    msg(
      [
        "INVITE sip:bob@127.0.0.1 SIP/2.0",
        "v: SIP/2.0/UDP 127.0.0.1:5999 ;branch=z9hG4bK-compact",
        "f: <sip:fuzz@example.invalid>;tag=c1",
        "t: sip:bob@127.0.0.1",
        "i: compact@127.0.0.1",
        "CSeq: 7 INVITE",
        "Subject: folded",
        "  header line",
        "m: <sip:fuzz@127.0.0.1:5999>",
        "c: application/sdp",
      ],
      SDP,
    ).replace("Content-Length", "l"),
    msg([
      "SIP/2.0 200 OK",
      "Via: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bK-stray",
      "From: <sip:fuzz@example.invalid>;tag=s1",
      "To: <sip:bob@127.0.0.1>;tag=s2",
      "Call-ID: stray@127.0.0.1",
      "CSeq: 1 INVITE",
    ]),
  ];
}

const INVALID_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xf0, 0x28, 0x8c, 0xbc]),
  Buffer.from([0]),
];

/** One mutation of a base message; `maxSize` bounds the result (UDP datagram limit). */
function mutate(rnd: Rnd, base: string, maxSize: number): Buffer {
  let buf = Buffer.from(base);
  const kind = rnd.int(9);
  switch (kind) {
    case 0: // bit flips
    case 1: {
      const flips = 1 + rnd.int(8);
      buf = Buffer.from(buf);
      for (let i = 0; i < flips; i++) buf[rnd.int(buf.length)] ^= 1 << rnd.int(8);
      break;
    }
    case 2: // truncation
      buf = buf.subarray(0, rnd.int(buf.length));
      break;
    case 3: {
      // a huge header (sometimes beyond the 64 KiB message limit)
      const size = rnd.pick([1000, 8000, 40_000, 70_000, 200_000]);
      const at = buf.indexOf("\r\n") + 2;
      buf = Buffer.concat([
        buf.subarray(0, at),
        Buffer.from(`X-Huge: ${"A".repeat(size)}\r\n`),
        buf.subarray(at),
      ]);
      break;
    }
    case 4: {
      // a bad Content-Length
      const value = rnd.pick([
        "-1",
        "99999999999999999999",
        "abc",
        "0",
        "5",
        "4294967296",
        "1e3",
        " 12 13",
        "",
      ]);
      buf = Buffer.from(base.replace(/(Content-Length|\r\nl): *\d+/, `$1: ${value}`));
      break;
    }
    case 5: {
      // invalid UTF-8 in a random place
      const at = rnd.int(buf.length);
      buf = Buffer.concat([buf.subarray(0, at), rnd.pick(INVALID_UTF8), buf.subarray(at)]);
      break;
    }
    case 6: {
      // a header line duplicated, dropped or split without CRLF
      const lines = base.split("\r\n");
      const i = 1 + rnd.int(Math.max(1, lines.indexOf("") - 1));
      const op = rnd.int(3);
      if (op === 0) lines.splice(i, 0, lines[i]);
      else if (op === 1) lines.splice(i, 1);
      else lines[i] = lines[i].replace(":", "");
      buf = Buffer.from(lines.join(rnd.next() < 0.2 ? "\n" : "\r\n"));
      break;
    }
    case 7: {
      // random bytes, sometimes behind a valid start line
      const junk = Buffer.alloc(1 + rnd.int(600));
      for (let i = 0; i < junk.length; i++) junk[i] = rnd.int(256);
      buf = rnd.next() < 0.5 ? junk : Buffer.concat([Buffer.from(base.split("\r\n")[0] + "\r\n"), junk]);
      break;
    }
    default: {
      // many parameters / many Vias
      const n = 1 + rnd.int(300);
      const vias = Array.from(
        { length: n },
        (_, k) => `Via: SIP/2.0/UDP 127.0.0.1:${5000 + k};branch=z9hG4bK${k}`,
      ).join("\r\n");
      const at = buf.indexOf("\r\n") + 2;
      buf = Buffer.concat([buf.subarray(0, at), Buffer.from(`${vias}\r\n`), buf.subarray(at)]);
    }
  }
  return buf.length > maxSize ? buf.subarray(0, maxSize) : buf;
}

/** A well-formed OPTIONS probe to sipd itself; resolves with the status line of its answer. */
function probe(sock: UdpSocket, port: number, n: number): Promise<string> {
  const local = sock.address().port;
  const branch = `z9hG4bK-probe-${n}`;
  const req = [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
    "Max-Forwards: 70",
    `From: <sip:probe@127.0.0.1:${local}>;tag=p${n}`,
    `To: <sip:127.0.0.1:${port}>`,
    `Call-ID: probe-${n}@127.0.0.1`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    let tries = 0;
    const send = () => {
      if (++tries > 50) {
        cleanup();
        reject(new Error(`no answer to probe ${n}`));
        return;
      }
      sock.send(req, port, "127.0.0.1");
    };
    // A probe lost in a full socket buffer is sent again soon (5 s in all).
    const timer = setInterval(send, 100);
    const onMessage = (m: Buffer) => {
      const text = m.toString("latin1");
      if (!text.includes(branch)) return;
      cleanup();
      resolve(text.slice(0, text.indexOf("\r\n")));
    };
    const cleanup = () => {
      clearInterval(timer);
      sock.off("message", onMessage);
    };
    sock.on("message", onMessage);
    send();
  });
}

/** Writes `chunks` on one TCP connection, ends it, and resolves when it is closed. */
function tcpBurst(port: number, chunks: Buffer[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const s = connect(port, "127.0.0.1");
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    // A Content-Length beyond the data keeps sipd waiting for more: our FIN ends the connection,
    // this bound covers a server that would not close its side.
    const timer = setTimeout(done, 5000);
    s.on("error", done);
    s.on("close", done);
    s.on("data", () => {});
    s.on("connect", () => {
      for (const chunk of chunks) s.write(chunk);
      s.end();
    });
  });
}

async function stats(t: TestSipd): Promise<Record<string, number>> {
  return { ...t.sipd.transport.counters } as unknown as Record<string, number>;
}

describe("sipd under 20,000 mutated SIP messages", () => {
  let t: TestSipd;
  let fuzzer: UdpSocket;
  let prober: UdpSocket;
  before(async () => {
    t = await startTestSipd({}, { seed: false });
    fuzzer = createSocket("udp4");
    prober = createSocket("udp4");
    fuzzer.on("message", () => {}); // sipd's answers to the junk are read and dropped
    await Promise.all([
      new Promise<void>((r) => fuzzer.bind(0, "127.0.0.1", r)),
      new Promise<void>((r) => prober.bind(0, "127.0.0.1", r)),
    ]);
  });
  after(async () => {
    fuzzer.close();
    prober.close();
    await t.stop();
  });

  it("keeps running, counts the drops and answers OPTIONS 200 during and after (UDP then TCP)", async () => {
    const rnd = prng(0x5151);
    const base = corpus(t.port);
    const before0 = await stats(t);
    const wrong: string[] = [];
    let probes = 0;
    const check = async () => {
      const status = await probe(prober, t.port, ++probes);
      if (status !== "SIP/2.0 200 Keepalive") wrong.push(status);
    };

    // UDP: 15,000 datagrams in small batches, each followed by a probe: the probe's answer shows
    // sipd is still serving, and waiting for it paces the sender below the socket buffer's size.
    const UDP_COUNT = 15_000;
    const BATCH = 20;
    for (let sent = 0; sent < UDP_COUNT; sent += BATCH) {
      await Promise.all(
        Array.from(
          { length: BATCH },
          () =>
            new Promise<void>((resolve) =>
              fuzzer.send(mutate(rnd, rnd.pick(base), 65_000), t.port, "127.0.0.1", () => resolve()),
            ),
        ),
      );
      await check();
    }
    const afterUdp = await stats(t);
    const seen = (c: Record<string, number>) =>
      c.rcv_requests + c.rcv_replies + c.drop_requests + c.drop_replies;
    // Probes are counted too; a few junk datagrams (blank keepalives) are no message at all.
    assert.ok(
      seen(afterUdp) - seen(before0) > UDP_COUNT * 0.8,
      `sipd read most datagrams: ${JSON.stringify(afterUdp)}`,
    );

    // TCP: 5,000 messages over 500 connections, 10 at a time; the client ends each connection.
    // A stream that cannot be framed any more is closed by sipd, so short connections reach more code.
    const TCP_CONNS = 500;
    const PER_CONN = 10;
    const PARALLEL = 10;
    for (let c = 0; c < TCP_CONNS; c += PARALLEL) {
      await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          tcpBurst(
            t.port,
            Array.from({ length: PER_CONN }, () =>
              mutate(rnd, rnd.pick(base).replaceAll("SIP/2.0/UDP", "SIP/2.0/TCP"), 300_000),
            ),
          ),
        ),
      );
      await check();
    }

    const after0 = await stats(t);
    await check();
    assert.deepEqual(wrong, [], "every probe got 200 Keepalive");
    assert.ok(after0.drop_requests > before0.drop_requests, `drop_requests moved: ${JSON.stringify(after0)}`);
    assert.ok(after0.err_requests > before0.err_requests, "err_requests moved");
    assert.ok(
      after0.rcv_requests - before0.rcv_requests > 1000,
      "many mutated requests still parsed and were routed",
    );
    assert.equal(after0.fwd_requests, 0, "nothing was relayed anywhere");
    assert.equal(after0.fwd_replies, 0, "no stray reply was forwarded");
    // And a well-formed OPTIONS over TCP after all that.
    const tcpAnswer = await new Promise<string>((resolve, reject) => {
      const s = connect(t.port, "127.0.0.1");
      let got = "";
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error("no TCP answer"));
      }, 5000);
      s.on("data", (d) => {
        got += d.toString("latin1");
        if (got.includes("\r\n\r\n")) {
          clearTimeout(timer);
          s.destroy();
          resolve(got.slice(0, got.indexOf("\r\n")));
        }
      });
      s.on("error", reject);
      s.on("connect", () => {
        const p = s.address() as { port: number };
        s.write(
          [
            `OPTIONS sip:127.0.0.1:${t.port};transport=tcp SIP/2.0`,
            `Via: SIP/2.0/TCP 127.0.0.1:${p.port};branch=z9hG4bK-tcp-after`,
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1>;tag=tcp",
            `To: <sip:127.0.0.1:${t.port}>`,
            "Call-ID: tcp-after@127.0.0.1",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            "",
            "",
          ].join("\r\n"),
        );
      });
    });
    assert.equal(tcpAnswer, "SIP/2.0 200 Keepalive");
  });
});
