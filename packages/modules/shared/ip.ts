/**
 * IPv4/IPv6 addresses as bytes, for exact and CIDR comparisons (permissions `address` table,
 * dispatcher `ds_is_from_list`). IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack
 * socket reports for an IPv4 peer) are treated as the IPv4 address they carry.
 */
import { isIPv4, isIPv6 } from "node:net";

export interface IpAddr {
  af: 4 | 6;
  bytes: Uint8Array;
  /** Canonical text: dotted quad, or RFC 5952 lower-case compressed IPv6. */
  text: string;
}

function v4Bytes(s: string): Uint8Array {
  return Uint8Array.from(s.split(".").map(Number));
}

function v6Bytes(s: string): Uint8Array {
  // A trailing dotted quad (::ffff:1.2.3.4) becomes the last two groups.
  let text = s;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) >= 0) {
    const q = v4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

function v6Text(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  // RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((n) => n.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses an address ("192.0.2.1", "2001:db8::1", "[2001:db8::1]"); null when it is not one. */
export function parseIp(input: string): IpAddr | null {
  let s = input.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (isIPv4(s)) {
    const bytes = v4Bytes(s);
    return { af: 4, bytes, text: bytes.join(".") };
  }
  if (!isIPv6(s) || s.includes("%")) return null;
  const bytes = v6Bytes(s);
  if (isV4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { af: 4, bytes: v4, text: v4.join(".") };
  }
  return { af: 6, bytes, text: v6Text(bytes) };
}

export function ipEquals(a: IpAddr, b: IpAddr): boolean {
  if (a.af !== b.af) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** True when `addr` is inside `net`/`maskBits` (same family only). */
export function ipInNet(addr: IpAddr, net: IpAddr, maskBits: number): boolean {
  if (addr.af !== net.af) return false;
  let bits = maskBits;
  for (let i = 0; i < addr.bytes.length && bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr.bytes[i] & m) !== (net.bytes[i] & m)) return false;
  }
  return true;
}

/** Full-length mask of the family: 32 or 128. */
export function hostMaskBits(ip: IpAddr): number {
  return ip.af === 4 ? 32 : 128;
}
