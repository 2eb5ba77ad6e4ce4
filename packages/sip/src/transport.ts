/**
 * UDP and TCP transports for IPv4 and IPv6 (RFC 3261 §18). One TransportLayer owns every
 * listening socket and TCP connection, frames TCP streams by Content-Length (§18.3), parses what
 * arrives, marks requests with received/rport (§18.2.1, RFC 3581), answers unparsable requests
 * with 400 itself, and hands good messages to `onMessage`.
 * Counter names follow Kamailio's core statistics (core:rcv_requests, core:drop_requests, ...).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { once } from "node:events";
import { createServer, isIP, type Server, type Socket as TcpSocket, connect as tcpConnect } from "node:net";
import { SipParseError } from "./errors.ts";
import type { Via } from "./headers.ts";
import type { AnySipMessage, MessageSource, SipMessage, SipRequest, TransportProto } from "./message.ts";
import { applyReceived, responseTarget, type SendTarget } from "./nat.ts";
import { findHeaderEnd, parseMessage, skipLeadingCrlf } from "./parser.ts";
import { createResponse } from "./response.ts";

export interface SocketSpec {
  proto: TransportProto;
  host: string;
  port: number;
}

/** Parses Kamailio-style socket strings: "udp:127.0.0.1:5060", "tcp:[::1]:5060". */
export function parseSocketSpec(spec: string): SocketSpec {
  const m = /^(udp|tcp):(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/i.exec(spec);
  if (!m || Number(m[3]) > 65535) throw new Error(`bad socket "${spec}", expected proto:host:port`);
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  return { proto: m[1].toLowerCase() as TransportProto, host, port: Number(m[3]) };
}

/** "udp:127.0.0.1:5060" / "tcp:[::1]:5060". */
export function formatSocket(proto: TransportProto, host: string, port: number): string {
  return `${proto}:${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Kamailio core statistics kept by the transport (fwd_* are counted by whoever relays). */
export interface CoreCounters {
  rcv_requests: number;
  rcv_replies: number;
  fwd_requests: number;
  fwd_replies: number;
  drop_requests: number;
  drop_replies: number;
  err_requests: number;
  err_replies: number;
  /** Messages whose headers failed to parse (Kamailio core:bad_msg_hdr). */
  bad_msg_hdr: number;
}

export function newCounters(): CoreCounters {
  return {
    rcv_requests: 0,
    rcv_replies: 0,
    fwd_requests: 0,
    fwd_replies: 0,
    drop_requests: 0,
    drop_replies: 0,
    err_requests: 0,
    err_replies: 0,
    bad_msg_hdr: 0,
  };
}

export interface ListeningSocket {
  proto: TransportProto;
  /** Bound address (IPv6 without brackets). */
  host: string;
  port: number;
  family: 4 | 6;
  /** "udp:127.0.0.1:5060" */
  name: string;
}

export interface TransportOptions {
  /** Largest message accepted (Kamailio tcp_max_msg... / sipd maxMessageSize); bigger requests get 513. */
  maxMessageSize?: number;
  /** Close TCP connections idle this long (Kamailio tcp_connection_lifetime, 120 s). */
  tcpIdleTimeoutMs?: number;
  /** Give up connecting after this long (Kamailio tcp_connect_timeout, 10 s). */
  tcpConnectTimeoutMs?: number;
}

interface Connection {
  id: number;
  socket: TcpSocket;
  key: string;
  ip: string;
  port: number;
  localSocket: ListeningSocket;
  ready: Promise<void>;
  buf: Buffer;
}

const CRLF = Buffer.from("\r\n");
const CONTENT_LENGTH_RE = /^(?:content-length|l)[ \t]*:\s*([^\r\n]*)/im;

function topViaOrUndefined(msg: SipMessage): Via | undefined {
  try {
    return msg.via;
  } catch {
    return undefined;
  }
}

/** IPv4-mapped IPv6 peers ("::ffff:192.0.2.1") are reported as plain IPv4. */
function normalizeIp(ip: string | undefined): string {
  if (!ip) return "";
  return ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function familyOf(host: string): 4 | 6 {
  return isIP(host) === 6 ? 6 : 4;
}

/**
 * Splits a TCP byte stream into messages (§18.3): headers up to the blank line, then exactly
 * Content-Length body bytes (0 when absent). Returns the frames found and what is left over;
 * `error` is set when the stream cannot be framed (bad Content-Length, message too large).
 */
export function frameStream(
  buf: Buffer,
  maxSize: number,
): { frames: Buffer[]; rest: Buffer; pings: number; error?: string } {
  const frames: Buffer[] = [];
  let pos = 0;
  let pings = 0;
  for (;;) {
    const start = skipLeadingCrlf(buf, pos);
    // A CRLF pair between messages is a keep-alive ping (RFC 5626 §3.5.1); it gets a CRLF pong.
    if (start - pos >= 4) pings++;
    pos = start;
    if (pos >= buf.length) return { frames, rest: buf.subarray(buf.length), pings };
    const end = findHeaderEnd(buf, pos);
    if (!end) {
      const rest = buf.subarray(pos);
      if (rest.length > maxSize) return { frames, rest, pings, error: "Message Too Large" };
      return { frames, rest, pings };
    }
    const m = CONTENT_LENGTH_RE.exec(buf.toString("latin1", pos, end.headEnd));
    const clText = m ? m[1].trim() : "0";
    if (!/^\d{1,10}$/.test(clText))
      return { frames, rest: buf.subarray(pos), pings, error: "Bad Content-Length" };
    const total = end.bodyStart + Number(clText);
    if (total - pos > maxSize) return { frames, rest: buf.subarray(pos), pings, error: "Message Too Large" };
    if (total > buf.length) return { frames, rest: buf.subarray(pos), pings };
    frames.push(buf.subarray(pos, total));
    pos = total;
  }
}

export type MessageHandler = (msg: AnySipMessage) => void;

export class TransportLayer {
  readonly counters: CoreCounters = newCounters();
  /** Receives every message that parsed; `msg.source` says where it came from. */
  onMessage: MessageHandler = () => {};
  /** Errors thrown by onMessage and socket errors land here instead of crashing the process. */
  onError: (err: unknown) => void = (err) => console.error("sip transport:", err);

  private readonly maxSize: number;
  private readonly idleMs: number;
  private readonly connectMs: number;
  private readonly udp: Array<{ info: ListeningSocket; socket: UdpSocket }> = [];
  private readonly tcp: Array<{ info: ListeningSocket; server: Server }> = [];
  private readonly conns = new Map<number, Connection>();
  private readonly connsByAddr = new Map<string, Connection>();
  private nextConnId = 1;
  private closed = false;

  constructor(opts: TransportOptions = {}) {
    this.maxSize = opts.maxMessageSize ?? 65535;
    this.idleMs = opts.tcpIdleTimeoutMs ?? 120_000;
    this.connectMs = opts.tcpConnectTimeoutMs ?? 10_000;
  }

  /** Every bound socket, in listen order. */
  get sockets(): ListeningSocket[] {
    return [...this.udp.map((u) => u.info), ...this.tcp.map((t) => t.info)];
  }

  /** Open TCP connections (inbound and outbound). */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** The listening socket to use for proto and address family (first one bound). */
  socketFor(proto: TransportProto, family: 4 | 6 = 4): ListeningSocket | undefined {
    const list = proto === "udp" ? this.udp : this.tcp;
    return (list.find((s) => s.info.family === family) ?? list[0])?.info;
  }

  /** Binds "udp:host:port" / "tcp:host:port" (port 0: ephemeral). Resolves with the bound socket. */
  async listen(spec: string | SocketSpec): Promise<ListeningSocket> {
    const s = typeof spec === "string" ? parseSocketSpec(spec) : spec;
    const family = familyOf(s.host);
    if (s.proto === "udp") {
      const socket = createSocket({ type: family === 6 ? "udp6" : "udp4", ipv6Only: family === 6 });
      socket.bind(s.port, s.host);
      await once(socket, "listening");
      const port = socket.address().port;
      const info: ListeningSocket = {
        proto: "udp",
        host: s.host,
        port,
        family,
        name: formatSocket("udp", s.host, port),
      };
      socket.on("message", (data, rinfo) => this.onDatagram(info, data, rinfo.address, rinfo.port));
      socket.on("error", (err) => this.onError(err));
      this.udp.push({ info, socket });
      return info;
    }
    const server = createServer({ noDelay: true }, (sock) => this.adopt(sock, info));
    server.listen({ port: s.port, host: s.host, ipv6Only: family === 6 });
    await once(server, "listening");
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : s.port;
    const info: ListeningSocket = {
      proto: "tcp",
      host: s.host,
      port,
      family,
      name: formatSocket("tcp", s.host, port),
    };
    server.on("error", (err) => this.onError(err));
    this.tcp.push({ info, server });
    return info;
  }

  /**
   * Sends a message or raw bytes. UDP goes out of `localSocket` (by name) or the first socket of the
   * right family; TCP reuses the connection `connectionId`, else any connection to host:port, else
   * connects. Rejects on a transport error (§18.4 / §17.1.4 report it to the transaction user).
   */
  async send(data: Buffer | SipMessage, target: SendTarget & { localSocket?: string }): Promise<void> {
    if (this.closed) throw new Error("transport closed");
    const buf = Buffer.isBuffer(data) ? data : data.serialize();
    if (target.proto === "udp") return this.sendUdp(buf, target);
    const conn = this.findConnection(target) ?? this.connectTcp(target);
    await conn.ready;
    await new Promise<void>((resolve, reject) => {
      conn.socket.write(buf, (err) => (err ? reject(err) : resolve()));
    });
  }

  private sendUdp(buf: Buffer, target: SendTarget & { localSocket?: string }): Promise<void> {
    const family = familyOf(target.host);
    const entry =
      (target.localSocket &&
        this.udp.find((u) => u.info.name === target.localSocket && u.info.family === family)) ||
      this.udp.find((u) => u.info.family === family);
    if (!entry) return Promise.reject(new Error(`no UDP socket for IPv${family}`));
    return new Promise((resolve, reject) => {
      entry.socket.send(buf, target.port, target.host, (err) => (err ? reject(err) : resolve()));
    });
  }

  private findConnection(target: SendTarget): Connection | undefined {
    if (target.connectionId !== undefined) {
      const c = this.conns.get(target.connectionId);
      if (c && !c.socket.destroyed) return c;
    }
    const c = this.connsByAddr.get(`${target.host}:${target.port}`);
    return c && !c.socket.destroyed ? c : undefined;
  }

  private connectTcp(target: SendTarget): Connection {
    const family = familyOf(target.host);
    const local = this.socketFor("tcp", family);
    const socket = tcpConnect({ host: target.host, port: target.port, noDelay: true, family });
    const info: ListeningSocket = local ?? {
      proto: "tcp",
      host: family === 6 ? "::" : "0.0.0.0",
      port: 0,
      family,
      name: formatSocket("tcp", family === 6 ? "::" : "0.0.0.0", 0),
    };
    const conn = this.adopt(socket, info, target);
    socket.setTimeout(this.connectMs);
    return conn;
  }

  /** Registers an inbound or outbound TCP connection: framing, idle timeout, bookkeeping. */
  private adopt(socket: TcpSocket, localSocket: ListeningSocket, target?: SendTarget): Connection {
    const id = this.nextConnId++;
    const ip = target ? target.host : normalizeIp(socket.remoteAddress);
    const port = target ? target.port : (socket.remotePort ?? 0);
    const conn: Connection = {
      id,
      socket,
      key: `${ip}:${port}`,
      ip,
      port,
      localSocket,
      buf: Buffer.alloc(0),
      ready: target
        ? new Promise<void>((resolve, reject) => {
            socket.once("connect", () => {
              socket.setTimeout(this.idleMs);
              resolve();
            });
            socket.once("error", reject);
            socket.once("close", () => reject(new Error(`connection to ${ip}:${port} closed`)));
          })
        : Promise.resolve(),
    };
    conn.ready.catch(() => {}); // the sender awaits it; this only avoids an unhandled rejection
    this.conns.set(id, conn);
    this.connsByAddr.set(conn.key, conn);
    if (!target) socket.setTimeout(this.idleMs);
    socket.on("timeout", () => socket.destroy());
    socket.on("data", (chunk) => this.onStreamData(conn, chunk));
    socket.on("error", () => {}); // surfaced through `ready`/write callbacks and "close"
    socket.on("close", () => {
      this.conns.delete(id);
      if (this.connsByAddr.get(conn.key) === conn) this.connsByAddr.delete(conn.key);
    });
    return conn;
  }

  private onStreamData(conn: Connection, chunk: Buffer): void {
    const buf = conn.buf.length === 0 ? chunk : Buffer.concat([conn.buf, chunk]);
    const { frames, rest, pings, error } = frameStream(buf, this.maxSize);
    // Keep only the unparsed tail, copied so the big chunk it came from can be freed.
    conn.buf = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest);
    for (let i = 0; i < pings; i++) conn.socket.write(CRLF);
    const source = (): MessageSource => ({
      proto: "tcp",
      ip: conn.ip,
      port: conn.port,
      localSocket: conn.localSocket.name,
      localIp: conn.localSocket.host,
      localPort: conn.localSocket.port,
      connectionId: conn.id,
    });
    for (const frame of frames) this.deliver(frame, source(), false);
    if (error) {
      // The stream cannot be resynchronised: answer if the head parses, then drop the connection (RFC 4475 §3.1.2.3).
      this.deliver(rest, source(), true, error === "Message Too Large" ? 513 : 400, error);
      conn.buf = Buffer.alloc(0);
      conn.socket.end();
    }
  }

  private onDatagram(info: ListeningSocket, data: Buffer, ip: string, port: number): void {
    // NAT keep-alives ("\r\n\r\n" and the like) are not messages.
    if (skipLeadingCrlf(data) === data.length) return;
    const source: MessageSource = {
      proto: "udp",
      ip: normalizeIp(ip),
      port,
      localSocket: info.name,
      localIp: info.host,
      localPort: info.port,
    };
    if (data.length > this.maxSize) this.deliver(data, source, true, 513, "Message Too Large");
    else this.deliver(data, source, true);
  }

  /**
   * Parses and hands over one message; with `reject` set the message is refused with that status
   * whatever it contains. Nothing thrown here escapes to the socket.
   */
  private deliver(
    buf: Buffer,
    source: MessageSource,
    datagram: boolean,
    rejectStatus?: number,
    why?: string,
  ): void {
    let msg: AnySipMessage;
    try {
      msg = parseMessage(buf, { datagram });
    } catch (e) {
      const err = e instanceof SipParseError ? e : new SipParseError("Bad message");
      this.refuse(
        rejectStatus === undefined ? err : new SipParseError(why!, err.kind, rejectStatus, err.request),
        source,
      );
      return;
    }
    if (rejectStatus !== undefined) {
      const req = msg.isRequest ? msg : undefined;
      this.refuse(new SipParseError(why!, msg.isRequest ? "request" : "response", rejectStatus, req), source);
      return;
    }
    msg.source = source;
    if (msg.isRequest) {
      this.counters.rcv_requests++;
      // §18.2.1 / RFC 3581 §4: the server transport records where the request really came from.
      applyReceived(msg, source.ip, source.port);
    } else this.counters.rcv_replies++;
    try {
      this.onMessage(msg);
    } catch (e) {
      this.onError(e);
    }
  }

  /** A message that cannot go up the stack: answer it if it is an answerable request, count it, drop it. */
  private refuse(err: SipParseError, source: MessageSource): void {
    if (err.kind === "response") {
      this.counters.err_replies++;
      this.counters.drop_replies++;
      return;
    }
    this.counters.err_requests++;
    this.counters.drop_requests++;
    if (err.kind !== "request" || !err.request) return;
    if (err.status === 400) this.counters.bad_msg_hdr++;
    const req: SipRequest = err.request;
    if (req.method === "ACK") return; // ACKs are never answered (§17.2.1)
    try {
      const via = topViaOrUndefined(req);
      if (via) applyReceived(req, source.ip, source.port);
      const res = createResponse(req, err.status, err.reason);
      // A broken top Via cannot route the answer (§18.2.2): send it back where the request came from.
      const target: SendTarget = via
        ? responseTarget(via, source)
        : { proto: source.proto, host: source.ip, port: source.port, connectionId: source.connectionId };
      this.send(res, { ...target, localSocket: source.localSocket }).catch((sendErr) =>
        this.onError(sendErr),
      );
    } catch (buildErr) {
      this.onError(buildErr);
    }
  }

  /** Closes every socket and connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.conns.values()) c.socket.destroy();
    await Promise.all([
      ...this.udp.map((u) => new Promise<void>((r) => u.socket.close(() => r()))),
      ...this.tcp.map((t) => new Promise<void>((r) => t.server.close(() => r()))),
    ]);
    this.udp.length = 0;
    this.tcp.length = 0;
  }
}
