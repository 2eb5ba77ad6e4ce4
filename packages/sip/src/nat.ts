/**
 * RFC 3261 §18.2.1 `received`, RFC 3581 `rport`, and where a response goes (§18.2.2).
 */
import type { Via } from "./headers.ts";
import type { SipMessage, TransportProto } from "./message.ts";

/** A destination for the transport layer. `connectionId` prefers an existing TCP connection. */
export interface SendTarget {
  proto: TransportProto;
  host: string;
  port: number;
  connectionId?: number;
}

function stripBrackets(h: string): string {
  return h.charCodeAt(0) === 91 ? h.slice(1, -1) : h;
}

/** Compares a Via/URI host with a socket address (IPv6 case and brackets ignored). */
export function sameHost(host: string, ip: string): boolean {
  return stripBrackets(host).toLowerCase() === stripBrackets(ip).toLowerCase();
}

export interface ReceivedOptions {
  /** Add rport even if the client did not ask for it (Kamailio force_rport()). */
  forceRport?: boolean;
}

/**
 * Marks the top Via of a received request with the real source: `received` when sent-by differs
 * from the source address (§18.2.1), and `rport=<port>` plus `received` when rport was requested
 * (RFC 3581 §4: received is then added even if equal). Returns true when the Via changed.
 */
export function applyReceived(
  msg: SipMessage,
  ip: string,
  port: number,
  opts: ReceivedOptions = {},
): boolean {
  const via = msg.via;
  if (!via) return false;
  const wantsRport = via.params.has("rport") || opts.forceRport === true;
  let changed = false;
  if (wantsRport) {
    via.params.set("rport", String(port));
    changed = true;
  }
  if (wantsRport || !sameHost(via.host, ip)) {
    if (via.received !== ip) {
      via.params.set("received", ip);
      changed = true;
    }
  }
  if (changed) {
    msg.replaceFirst("via", via.toString());
    msg.cache.set("via", via);
  }
  return changed;
}

/** Default port for a transport (§19.1.2): 5061 for TLS, else 5060. */
export function defaultPort(transport: string): number {
  return transport.toUpperCase() === "TLS" ? 5061 : 5060;
}

/** How the request arrived: its protocol and, for TCP, its connection. */
export interface Arrival {
  proto: TransportProto;
  connectionId?: number;
}

/**
 * Where to send a response whose top Via is `via` (§18.2.2 with RFC 3581 §4). The response goes
 * back over the protocol the request arrived on (`arrival`, as Kamailio does; the Via transport
 * otherwise), reusing its TCP connection when there is one; then maddr wins over received, and
 * received+rport over sent-by. A host name in sent-by is returned as is (to be resolved, RFC 3263 §6).
 */
export function responseTarget(via: Via, arrival?: Arrival): SendTarget {
  const proto: TransportProto = arrival?.proto ?? (via.transport === "UDP" ? "udp" : "tcp");
  const sentByPort = via.port ?? defaultPort(via.transport);
  const rport = via.rport;
  const port = typeof rport === "number" ? rport : sentByPort;
  const maddr = via.maddr;
  if (proto === "tcp" && arrival?.connectionId !== undefined) {
    return { proto, host: stripBrackets(via.received ?? via.host), port, connectionId: arrival.connectionId };
  }
  if (maddr) return { proto, host: stripBrackets(maddr), port: sentByPort };
  if (via.received !== undefined) return { proto, host: stripBrackets(via.received), port };
  return { proto, host: stripBrackets(via.host), port: sentByPort };
}
