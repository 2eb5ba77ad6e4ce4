import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { once } from "node:events";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { generateBranch } from "./ids.ts";
import type { AnySipMessage, SipRequest, SipResponse } from "./message.ts";
import { applyReceived } from "./nat.ts";
import { parseMessage } from "./parser.ts";
import { createResponse } from "./response.ts";
import { TimerWheel } from "./timer-wheel.ts";
import { type ClientTransaction, type ServerTransaction, TransactionLayer } from "./transaction.ts";
import { TransportLayer } from "./transport.ts";

const T1 = 10;

/** Queue of parsed messages with awaitable `next()`. */
class Inbox<T> {
  private items: T[] = [];
  private waiters: Array<(m: T) => void> = [];
  push = (m: T) => {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.items.push(m);
  };
  next(): Promise<T> {
    const m = this.items.shift();
    return m !== undefined ? Promise.resolve(m) : new Promise((r) => this.waiters.push(r));
  }
  get length(): number {
    return this.items.length;
  }
}

/** A raw UDP peer (a hand-driven UA) on loopback. */
class Peer {
  inbox = new Inbox<AnySipMessage>();
  constructor(
    readonly sock: UdpSocket,
    readonly port: number,
  ) {
    sock.on("message", (d) => this.inbox.push(parseMessage(d)));
  }
  static async open(): Promise<Peer> {
    const sock = createSocket("udp4");
    sock.bind(0, "127.0.0.1");
    await once(sock, "listening");
    return new Peer(sock, sock.address().port);
  }
  send(text: string | Buffer, port: number) {
    this.sock.send(typeof text === "string" ? Buffer.from(text) : text, port, "127.0.0.1");
  }
  async nextResponse(): Promise<SipResponse> {
    const m = await this.inbox.next();
    assert.ok(!m.isRequest, `expected a response, got ${m.firstLine()}`);
    return m;
  }
  async nextRequest(): Promise<SipRequest> {
    const m = await this.inbox.next();
    assert.ok(m.isRequest, `expected a request, got ${m.firstLine()}`);
    return m;
  }
  close() {
    this.sock.close();
  }
}

function request(method: string, peerPort: number, branch: string, cseqMethod = method): string {
  return (
    `${method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=${branch}\r\n` +
    `From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${branch}@test\r\n` +
    `CSeq: 1 ${cseqMethod}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

/** A request built by the stack's user, with our own Via, ready for sendRequest. */
function outgoing(method: string, via: string): SipRequest {
  const text =
    `${method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP ${via};branch=${generateBranch()}\r\n` +
    `From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${generateBranch()}@test\r\n` +
    `CSeq: 7 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text)) as SipRequest;
}

function stateWhen(tx: { state: string }, fn: (cb: () => void) => void): Promise<string> {
  return new Promise((resolve) => fn(() => resolve(tx.state)));
}

describe("TimerWheel", () => {
  it("fires timers in order of their delay and never fires cancelled ones", async () => {
    const wheel = new TimerWheel(5, 8); // few slots, so long timers wrap around the wheel
    const keepAlive = setInterval(() => {}, 1000); // the wheel's own interval is unref'd
    const fired: number[] = [];
    const done = new Promise<void>((resolve) => {
      for (const ms of [60, 10, 30, 100]) wheel.schedule(ms, () => fired.push(ms));
      wheel.schedule(200, () => resolve());
    });
    wheel.schedule(20, () => fired.push(-1)).cancel();
    await done;
    assert.deepEqual(fired, [10, 30, 60, 100]);
    assert.equal(wheel.size, 0);
    wheel.stop();
    clearInterval(keepAlive);
  });
});

describe("transactions over UDP loopback (T1 = 10 ms)", () => {
  const transport = new TransportLayer();
  const layer = new TransactionLayer(transport, { T1, T2: 40, T4: 50, timerResolutionMs: 5 });
  const requests = new Inbox<{ req: SipRequest; tx: ServerTransaction | undefined }>();
  let port = 0;
  layer.onRequest = (req, tx) => requests.push({ req, tx });

  before(async () => {
    port = (await transport.listen("udp:127.0.0.1:0")).port;
  });
  after(async () => {
    layer.close();
    await transport.close();
  });

  it("absorbs a retransmitted INVITE: the user sees it once, the last response is sent again", async () => {
    const peer = await Peer.open();
    const invite = request("INVITE", peer.port, "z9hG4bKretrans1");
    peer.send(invite, port);
    const { req, tx } = await requests.next();
    assert.equal(req.method, "INVITE");
    tx!.reply(180);
    assert.equal((await peer.nextResponse()).status, 180);
    peer.send(invite, port);
    const again = await peer.nextResponse();
    assert.equal(again.status, 180);
    assert.equal(requests.length, 0);
    assert.equal(layer.findServer(req), tx);
    tx!.terminate();
    peer.close();
  });

  it("sends responses to the rport the user forced before answering (Kamailio force_rport)", async () => {
    const peer = await Peer.open();
    // sent-by names a port nobody listens on and asks for no rport: only force_rport reaches the peer.
    peer.send(request("OPTIONS", 9, "z9hG4bKforce1"), port);
    const { req, tx } = await requests.next();
    applyReceived(req, req.source!.ip, req.source!.port, { forceRport: true });
    tx!.reply(200);
    const res = await peer.nextResponse();
    assert.equal(res.status, 200);
    assert.equal(res.via?.rport, peer.port);
    peer.close();
  });

  it("sends 100 Trying by itself when the user stays silent (INVITE server, §17.2.1)", async () => {
    const peer = await Peer.open();
    peer.send(request("INVITE", peer.port, "z9hG4bKtrying1"), port);
    const { tx } = await requests.next();
    const res = await peer.nextResponse();
    assert.equal(res.status, 100);
    assert.equal(res.toTag, undefined);
    tx!.terminate();
    peer.close();
  });

  it("retransmits a non-2xx INVITE response (Timer G) and times out without ACK (Timer H)", async () => {
    const peer = await Peer.open();
    peer.send(request("INVITE", peer.port, "z9hG4bKgh1"), port);
    const { tx } = await requests.next();
    const timedOut = stateWhen(tx!, (cb) => {
      tx!.onTimeout = cb;
    });
    tx!.reply(486);
    const first = await peer.nextResponse();
    const second = await peer.nextResponse();
    assert.equal(first.status, 486);
    assert.equal(second.status, 486);
    assert.equal(second.toTag, first.toTag);
    assert.equal(await timedOut, "Terminated");
    peer.close();
  });

  it("moves to Confirmed on the ACK for a non-2xx and ends after Timer I", async () => {
    const peer = await Peer.open();
    peer.send(request("INVITE", peer.port, "z9hG4bKack1"), port);
    const { tx } = await requests.next();
    const confirmed = stateWhen(tx!, (cb) => {
      tx!.onAck = cb;
    });
    const terminated = stateWhen(tx!, (cb) => {
      tx!.onTerminated = cb;
    });
    tx!.reply(404);
    await peer.nextResponse();
    peer.send(request("ACK", peer.port, "z9hG4bKack1"), port);
    assert.equal(await confirmed, "Confirmed");
    assert.equal(await terminated, "Terminated");
    assert.equal(requests.length, 0, "the ACK of a non-2xx is not passed up");
    peer.close();
  });

  it("keeps a non-INVITE server transaction for Timer J, answering retransmissions", async () => {
    const peer = await Peer.open();
    const options = request("OPTIONS", peer.port, "z9hG4bKj1");
    peer.send(options, port);
    const { tx } = await requests.next();
    const terminated = stateWhen(tx!, (cb) => {
      tx!.onTerminated = cb;
    });
    tx!.reply(200);
    assert.equal((await peer.nextResponse()).status, 200);
    assert.equal(tx!.state, "Completed");
    peer.send(options, port);
    assert.equal((await peer.nextResponse()).status, 200);
    assert.equal(await terminated, "Terminated");
    peer.close();
  });

  it("matches a CANCEL to the INVITE server transaction with the same branch", async () => {
    const peer = await Peer.open();
    peer.send(request("INVITE", peer.port, "z9hG4bKcancel1"), port);
    const invite = await requests.next();
    invite.tx!.reply(180);
    await peer.nextResponse();
    peer.send(request("CANCEL", peer.port, "z9hG4bKcancel1"), port);
    const cancel = await requests.next();
    assert.equal(cancel.req.method, "CANCEL");
    assert.notEqual(cancel.tx, invite.tx, "CANCEL has its own transaction");
    assert.equal(layer.findInviteForCancel(cancel.req), invite.tx);
    cancel.tx!.reply(200);
    invite.tx!.reply(487);
    const answers = [await peer.nextResponse(), await peer.nextResponse()].map(
      (r) => `${r.status} ${r.cseq.method}`,
    );
    assert.deepEqual(answers.sort(), ["200 CANCEL", "487 INVITE"]);
    // A CANCEL with another branch matches nothing.
    const other = parseMessage(Buffer.from(request("CANCEL", peer.port, "z9hG4bKcancel2"))) as SipRequest;
    assert.equal(layer.findInviteForCancel(other), undefined);
    invite.tx!.terminate();
    peer.close();
  });

  it("retransmits an INVITE (Timer A) and reports a timeout (Timer B)", async () => {
    const peer = await Peer.open();
    const req = outgoing("INVITE", `127.0.0.1:${port}`);
    const timedOut = new Promise<ClientTransaction>((resolve) => {
      layer.sendRequest(req, { proto: "udp", host: "127.0.0.1", port: peer.port }, { onTimeout: resolve });
    });
    const a = await peer.nextRequest();
    const b = await peer.nextRequest();
    assert.equal(a.via?.branch, req.via?.branch);
    assert.equal(b.via?.branch, req.via?.branch);
    const tx = await timedOut;
    assert.equal(tx.state, "Terminated");
    peer.close();
  });

  it("retransmits a non-INVITE request (Timer E) and reports a timeout (Timer F)", async () => {
    const peer = await Peer.open();
    const req = outgoing("OPTIONS", `127.0.0.1:${port}`);
    const timedOut = new Promise<ClientTransaction>((resolve) => {
      layer.sendRequest(req, { proto: "udp", host: "127.0.0.1", port: peer.port }, { onTimeout: resolve });
    });
    await peer.nextRequest();
    await peer.nextRequest();
    assert.equal((await timedOut).state, "Terminated");
    peer.close();
  });

  it("completes a non-INVITE client transaction on 200 and ends it after Timer K", async () => {
    const peer = await Peer.open();
    const req = outgoing("OPTIONS", `127.0.0.1:${port}`);
    const responses: number[] = [];
    let tx!: ClientTransaction;
    const terminated = new Promise<void>((resolve) => {
      tx = layer.sendRequest(
        req,
        { proto: "udp", host: "127.0.0.1", port: peer.port },
        { onResponse: (r) => responses.push(r.status), onTerminated: () => resolve() },
      );
    });
    const got = await peer.nextRequest();
    const ok = createResponse(got, 200).serialize();
    peer.send(ok, port);
    peer.send(ok, port); // a retransmission, absorbed in Completed
    await terminated;
    assert.deepEqual(responses, [200]);
    assert.equal(tx.state, "Terminated");
    peer.close();
  });

  it("generates the ACK for a non-2xx final response and repeats it for retransmissions (§17.1.1.3)", async () => {
    const peer = await Peer.open();
    const req = outgoing("INVITE", `127.0.0.1:${port}`);
    req.append("Route", "<sip:proxy.example.com;lr>");
    const responses: number[] = [];
    const tx = layer.sendRequest(
      req,
      { proto: "udp", host: "127.0.0.1", port: peer.port },
      { onResponse: (r) => responses.push(r.status) },
    );
    const got = await peer.nextRequest();
    const busy = createResponse(got, 486, undefined, { toTag: "callee1" }).serialize();
    peer.send(busy, port);
    // Timer A retransmissions of the INVITE may still be in flight: skip them.
    let ack = await peer.nextRequest();
    while (ack.method === "INVITE") ack = await peer.nextRequest();
    assert.equal(ack.method, "ACK");
    assert.equal(ack.uri, req.uri);
    assert.equal(ack.via?.branch, req.via?.branch);
    assert.equal(ack.cseq.seq, 7);
    assert.equal(ack.cseq.method, "ACK");
    assert.equal(ack.toTag, "callee1");
    assert.equal(ack.fromTag, "a1");
    assert.equal(ack.callId, req.callId);
    assert.equal(ack.get("route"), "<sip:proxy.example.com;lr>");
    assert.equal(tx.state, "Completed");
    peer.send(busy, port);
    const again = await peer.nextRequest();
    assert.equal(again.method, "ACK");
    assert.deepEqual(responses, [486]);
    tx.terminate();
    peer.close();
  });

  it("passes 2xx retransmissions to the user in Accepted (RFC 6026) and ends after Timer M", async () => {
    const peer = await Peer.open();
    const req = outgoing("INVITE", `127.0.0.1:${port}`);
    const responses: number[] = [];
    const states: string[] = [];
    const terminated = new Promise<void>((resolve) => {
      layer.sendRequest(
        req,
        { proto: "udp", host: "127.0.0.1", port: peer.port },
        {
          onResponse: (r, t) => {
            responses.push(r.status);
            states.push(t.state);
          },
          onTerminated: () => resolve(),
        },
      );
    });
    const got = await peer.nextRequest();
    peer.send(createResponse(got, 180, undefined, { toTag: "x" }).serialize(), port);
    const ok = createResponse(got, 200, undefined, { toTag: "x" }).serialize();
    peer.send(ok, port);
    peer.send(ok, port);
    await terminated;
    assert.deepEqual(responses, [180, 200, 200]);
    assert.deepEqual(states, ["Proceeding", "Accepted", "Accepted"]);
    peer.close();
  });

  it("hands responses that match no transaction to onStrayResponse", async () => {
    const peer = await Peer.open();
    const stray = new Promise<SipResponse>((resolve) => {
      layer.onStrayResponse = resolve;
    });
    const req = parseMessage(Buffer.from(request("INVITE", port, "z9hG4bKstray"))) as SipRequest;
    peer.send(createResponse(req, 200).serialize(), port);
    assert.equal((await stray).status, 200);
    peer.close();
  });
});

describe("transport errors reach the transaction user", () => {
  it("reports a refused TCP connection as a transport error", async () => {
    const transport = new TransportLayer();
    const layer = new TransactionLayer(transport, { T1 });
    await transport.listen("tcp:127.0.0.1:0");
    const gone = createServer();
    gone.listen(0, "127.0.0.1");
    await once(gone, "listening");
    const port = (gone.address() as { port: number }).port;
    await new Promise<void>((r) => gone.close(() => r()));
    const req = outgoing("OPTIONS", "127.0.0.1:5060");
    const err = await new Promise<unknown>((resolve) => {
      layer.sendRequest(
        req,
        { proto: "tcp", host: "127.0.0.1", port },
        { onTransportError: (e) => resolve(e) },
      );
    });
    assert.ok(err instanceof Error);
    assert.deepEqual(layer.size, { server: 0, client: 0 });
    layer.close();
    await transport.close();
  });
});
