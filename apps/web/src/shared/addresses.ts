/**
 * Addresses typed into the console: IP addresses and CIDR networks (IPv4 and IPv6, through
 * @switchboard/rpc's parser, the one sipd uses), host names, ports and SIP URIs. Pure functions that
 * return the reason something is wrong (or null), for zod refinements shared by forms and procedures.
 */
import { parseIp } from "@switchboard/rpc/cidr";

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 chars. */
export function isHostname(s: string): boolean {
  return (
    s.length <= 253 &&
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(s)
  );
}

/** An IPv4 or IPv6 address, without brackets, prefix or zone. */
export function isIpAddress(s: string): boolean {
  return !/[[\]/%]/.test(s) && parseIp(s) !== undefined;
}

/** 4 or 6 for an address as typed (v4-mapped IPv6 counts as IPv6 text), null when it is none. */
export function ipFamily(s: string): 4 | 6 | null {
  if (!isIpAddress(s)) return null;
  return s.includes(":") ? 6 : 4;
}

/**
 * Why `ip`/`mask` is not a network Kamailio's address table can hold, or null. Host bits set below the
 * mask are refused: the permissions module would silently match the whole network, which is rarely
 * what was meant by "10.1.2.3/8".
 */
export function networkError(ip: string, mask: number): string | null {
  if (ip.includes("/")) return "enter the address without /prefix; put the prefix length in Mask";
  const family = ipFamily(ip);
  if (!family) return "not an IPv4 or IPv6 address";
  const bytes = parseIp(ip)!.bytes;
  // parseIp reads ::ffff:a.b.c.d as IPv4, and so does the permissions module.
  if (family === 6 && bytes.length === 4) return "write an IPv4-mapped address as plain IPv4 (a.b.c.d)";
  const bits = bytes.length * 8;
  if (!Number.isInteger(mask) || mask < 0 || mask > bits) return `mask must be 0-${bits} for IPv${family}`;
  for (let bit = mask; bit < bits; bit++) {
    if (bytes[bit >> 3] & (0x80 >> (bit & 7))) {
      return `${ip}/${mask} has host bits set; the network is ${networkAddress(bytes, mask)}/${mask}`;
    }
  }
  return null;
}

function networkAddress(bytes: Uint8Array, prefix: number): string {
  const out = bytes.map((b, i) => {
    const keep = Math.min(Math.max(prefix - i * 8, 0), 8);
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  if (bytes.length === 4) return [...out].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((out[i] << 8) | out[i + 1]).toString(16));
  // Shorten the longest run of zero groups to "::" (RFC 5952 §4.2).
  const text = groups.join(":");
  const runs = text.match(/(^|:)0(:0)+(:|$)/g);
  if (!runs) return text;
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
  return text.replace(longest, "::");
}

export const TRANSPORTS = ["udp", "tcp", "tls", "sctp", "ws", "wss"] as const;

/**
 * Why `uri` is not a SIP URI a proxy can send to (RFC 3261 §19.1.1: sip:/sips:, optional user@, a
 * host name or IP literal, optional port 1-65535, ;params, no headers), or null.
 */
export function sipUriError(uri: string): string | null {
  const m = /^(sips?):(?:([^@\s]+)@)?(\[[^\]\s]+\]|[^:;?\s[\]]+)(?::([^;?\s]*))?((?:;[^;?\s]*)*)$/i.exec(uri);
  if (!m) {
    if (!/^sips?:/i.test(uri)) return "must start with sip: or sips:";
    if (/\s/.test(uri)) return "must not contain spaces";
    if (uri.includes("?")) return "must not carry ?headers";
    return "not a SIP URI (sip:[user@]host[:port][;params])";
  }
  const [, , , host, port, params] = m;
  if (host.startsWith("[")) {
    if (ipFamily(host.slice(1, -1)) !== 6) return `${host} is not an IPv6 address`;
  } else if (/^[\d.]+$/.test(host)) {
    if (!isIpAddress(host)) return `${host} is not an IPv4 address`;
  } else if (!isHostname(host)) return `${host} is not a valid host name`;
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return "port must be 1-65535";
  }
  for (const p of params.split(";").slice(1)) {
    const [name, value] = p.split("=", 2);
    if (!name) return "empty ;parameter";
    if (name.toLowerCase() === "transport" && !TRANSPORTS.includes(value?.toLowerCase() as never)) {
      return `transport must be one of ${TRANSPORTS.join(", ")}`;
    }
  }
  return null;
}
