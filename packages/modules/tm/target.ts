/**
 * Where a SIP URI points to on the network (a reduced RFC 3263): the `transport` parameter (UDP by
 * default, TCP for sips:), the port (5060 by default) and the host resolved to an address. Names
 * go through the system resolver once per minute at most, so DNS stays off the per-request path.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { TransportProto, Uri } from "@switchboard/sip";

export interface NetTarget {
  proto: TransportProto;
  host: string;
  port: number;
}

const CACHE_TTL_MS = 60_000;
const cache = new Map<string, { ip: string; until: number }>();

export async function resolveHost(host: string): Promise<string> {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  if (isIP(bare)) return bare;
  const hit = cache.get(bare);
  if (hit && hit.until > Date.now()) return hit.ip;
  const { address } = await lookup(bare);
  cache.set(bare, { ip: address, until: Date.now() + CACHE_TTL_MS });
  return address;
}

export function uriProto(uri: Uri): TransportProto {
  const t = uri.transport;
  if (t === "tcp" || t === "tls" || uri.scheme === "sips") return "tcp";
  return "udp";
}

export async function resolveUri(uri: Uri): Promise<NetTarget> {
  const maddr = uri.params.get("maddr");
  const host = await resolveHost(maddr || uri.host);
  return { proto: uriProto(uri), host, port: uri.port ?? 5060 };
}
