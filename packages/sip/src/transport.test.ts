import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import type { AnySipMessage } from "./message.ts";
import { responseTarget } from "./nat.ts";
import { parseMessage } from "./parser.ts";
import { createResponse } from "./response.ts";
import { frameStream, parseSocketSpec, TransportLayer } from "./transport.ts";

function options(branch: string, extra = "", body = ""): string {
  return (
    `OPTIONS sip:sipd@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=${branch};rport\r\n` +
    `From: <sip:a@example.com>;tag=1\r\nTo: <sip:sipd@example.com>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\n` +
    `Max-Forwards: 70\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Collects what a client socket receives, resolving waiters as messages come in. */
class Inbox {
  private items: AnySipMessage[] = [];
  private waiters: Array<(m: AnySipMessage) => void> = [];
  push = (m: AnySipMessage) => {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.items.push(m);
  };
  next(): Promise<AnySipMessage> {
    const m = this.items.shift();
    return m ? Promise.resolve(m) : new Promise((r) => this.waiters.push(r));
  }
}

async function udpClient(family: 4 | 6): Promise<{ sock: UdpSocket; inbox: Inbox; port: number }> {
  const sock = createSocket(family === 6 ? "udp6" : "udp4");
  sock.bind(0, family === 6 ? "::1" : "127.0.0.1");
  await once(sock, "listening");
  const inbox = new Inbox();
  sock.on("message", (d) => inbox.push(parseMessage(d)));
  return { sock, inbox, port: sock.address().port };
}

/** A TCP client that frames what it receives the same way the server does. */
function tcpInbox(sock: Socket): Inbox {
  const inbox = new Inbox();
  let buf = Buffer.alloc(0);
  sock.on("data", (d) => {
    const r = frameStream(Buffer.concat([buf, d]), 65535);
    buf = Buffer.from(r.rest);
    for (const f of r.frames) inbox.push(parseMessage(f, { datagram: false }));
  });
  return inbox;
}

describe("parseSocketSpec", () => {
  it("reads Kamailio-style socket strings for IPv4 and IPv6", () => {
    assert.deepEqual(parseSocketSpec("udp:127.0.0.1:5060"), { proto: "udp", host: "127.0.0.1", port: 5060 });
    assert.deepEqual(parseSocketSpec("tcp:[::1]:5070"), { proto: "tcp", host: "::1", port: 5070 });
    assert.throws(() => parseSocketSpec("sctp:1.2.3.4:5060"));
  });
});

describe("frameStream", () => {
  const a = options("z9hG4bKa", "", "hello");
  const b = options("z9hG4bKb");
  it("splits several messages in one chunk and keeps a partial one", () => {
    const whole = Buffer.from(a + b + b.slice(0, 20));
    const r = frameStream(whole, 65535);
    assert.equal(r.frames.length, 2);
    assert.equal(r.rest.toString(), b.slice(0, 20));
    assert.equal(parseMessage(r.frames[0], { datagram: false }).body.toString(), "hello");
  });
  it("counts CRLF keep-alive pings between messages", () => {
    const r = frameStream(Buffer.from(`\r\n\r\n${a}`), 65535);
    assert.equal(r.pings, 1);
    assert.equal(r.frames.length, 1);
  });
  it("refuses a stream it cannot frame", () => {
    assert.equal(
      frameStream(Buffer.from(options("z9hG4bKc").replace("Content-Length: 0", "Content-Length: -5")), 65535)
        .error,
      "Bad Content-Length",
    );
    assert.equal(
      frameStream(Buffer.from(`OPTIONS sip:x SIP/2.0\r\nX: ${"y".repeat(200)}`), 100).error,
      "Message Too Large",
    );
  });
});

for (const family of [4, 6] as const) {
  const host = family === 6 ? "::1" : "127.0.0.1";
  describe(`TransportLayer over IPv${family} loopback`, () => {
    const layer = new TransportLayer({ maxMessageSize: 4000, tcpIdleTimeoutMs: 300 });
    const received = new Inbox();
    let udpPort = 0;
    let tcpPort = 0;
    // The layer answers every OPTIONS with 200 through responseTarget, as a stateless server would.
    layer.onMessage = (m) => {
      received.push(m);
      if (m.isRequest && m.method === "OPTIONS") {
        const res = createResponse(m, 200);
        const target = {
          ...responseTarget(m.via!, m.source),
          localSocket: m.source?.localSocket,
        };
        layer.send(res, target).catch((e) => assert.fail(e));
      }
    };
    before(async () => {
      udpPort = (await layer.listen(`udp:${family === 6 ? "[::1]" : host}:0`)).port;
      tcpPort = (await layer.listen({ proto: "tcp", host, port: 0 })).port;
    });
    after(() => layer.close());

    it("receives a UDP request with its source and answers to the rport", async () => {
      const c = await udpClient(family);
      c.sock.send(options("z9hG4bKudp1"), udpPort, host);
      const got = await received.next();
      assert.equal(got.source?.proto, "udp");
      assert.equal(got.source?.ip, host);
      assert.equal(got.source?.port, c.port);
      const res = await c.inbox.next();
      assert.ok(!res.isRequest && res.status === 200);
      c.sock.close();
    });

    it("answers a UDP request with a bad header with 400 and a reason, and counts the drop", async () => {
      const c = await udpClient(family);
      const before = layer.counters.drop_requests;
      c.sock.send(options("z9hG4bKbad", "Max-Forwards: 70\r\n"), udpPort, host);
      const res = await c.inbox.next();
      assert.ok(!res.isRequest);
      assert.equal(res.status, 400);
      assert.equal(res.reason, "Duplicate Max-Forwards");
      assert.equal(layer.counters.drop_requests, before + 1);
      c.sock.close();
    });

    it("answers an oversized UDP request with 513", async () => {
      const c = await udpClient(family);
      c.sock.send(options("z9hG4bKbig", `X-Pad: ${"p".repeat(5000)}\r\n`), udpPort, host);
      const res = await c.inbox.next();
      assert.ok(!res.isRequest && res.status === 513);
      c.sock.close();
    });

    it("drops UDP junk silently and moves the counter", async () => {
      const c = await udpClient(family);
      const before = layer.counters.drop_requests;
      c.sock.send(Buffer.from([0xff, 0xfe, 0x00, 0x41]), udpPort, host);
      c.sock.send(options("z9hG4bKafterjunk"), udpPort, host); // a good one after, to know the junk was handled
      const res = await c.inbox.next();
      assert.ok(!res.isRequest && res.status === 200);
      assert.equal(layer.counters.drop_requests, before + 1);
      c.sock.close();
    });

    it("frames TCP messages split across writes and several in one write, answering on the same connection", async () => {
      const sock = connect({ host, port: tcpPort });
      await once(sock, "connect");
      const inbox = tcpInbox(sock);
      const one = options("z9hG4bKt1").replace("UDP", "TCP");
      sock.write(one.slice(0, 30));
      await new Promise((r) => setTimeout(r, 20));
      sock.write(
        one.slice(30) +
          options("z9hG4bKt2").replace("UDP", "TCP") +
          options("z9hG4bKt3").replace("UDP", "TCP"),
      );
      const branches = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await inbox.next();
        assert.ok(!res.isRequest && res.status === 200);
        branches.add(res.via!.branch!);
      }
      assert.deepEqual([...branches].sort(), ["z9hG4bKt1", "z9hG4bKt2", "z9hG4bKt3"]);
      sock.destroy();
    });

    it("answers a CRLF keep-alive ping with a pong and closes idle TCP connections", async () => {
      const sock = connect({ host, port: tcpPort });
      await once(sock, "connect");
      sock.write("\r\n\r\n");
      const [pong] = await once(sock, "data");
      assert.equal(pong.toString(), "\r\n");
      await once(sock, "close"); // closed by the server's idle timeout
    });

    it("reuses one outgoing TCP connection for several sends and reports refused connections", async () => {
      const accepted: Socket[] = [];
      const server = createServer((s) => accepted.push(s));
      server.listen(0, host);
      await once(server, "listening");
      const port = (server.address() as { port: number }).port;
      const chunks: string[] = [];
      const done = new Promise<void>((resolve) => {
        server.on("connection", (s) =>
          s.on("data", (d) => {
            chunks.push(d.toString());
            if (chunks.join("").split("OPTIONS sip:").length - 1 === 2) resolve();
          }),
        );
      });
      await layer.send(Buffer.from(options("z9hG4bKo1")), { proto: "tcp", host, port });
      await layer.send(Buffer.from(options("z9hG4bKo2")), { proto: "tcp", host, port });
      await done;
      assert.equal(accepted.length, 1);
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      // A port nobody listens on: the send reports the transport error.
      const gone = createServer();
      gone.listen(0, host);
      await once(gone, "listening");
      const gonePort = (gone.address() as { port: number }).port;
      await new Promise<void>((r) => gone.close(() => r()));
      await assert.rejects(
        layer.send(Buffer.from(options("z9hG4bKo3")), { proto: "tcp", host, port: gonePort }),
      );
    });
  });
}
