/**
 * IP address / CIDR matching for access lists (pure functions, IPv4 and IPv6, RFC 4291 text forms).
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, RFC 4291 §2.5.5.2), which a dual-stack socket reports for IPv4
 * peers, are treated as the IPv4 address, both as client address and inside a CIDR of prefix >= 96.
 * "::/0" therefore covers IPv6 only: allow everything with ["0.0.0.0/0", "::/0"].
 */

export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

export interface Cidr extends IpAddress {
  prefix: number;
}

/** Loopback only: the default allow-list of the RPC listeners. */
export const LOOPBACK_CIDRS: readonly string[] = ["127.0.0.0/8", "::1/128"];

const isDec = (s: string) => s.length > 0 && [...s].every((c) => c >= "0" && c <= "9");
const isHex = (s: string) => s.length > 0 && s.length <= 4 && [...s].every((c) => /[0-9a-fA-F]/.test(c));

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    // leading zeros are refused: "010" is octal to some resolvers and decimal to others
    if (!isDec(p) || p.length > 3 || (p.length > 1 && p[0] === "0")) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseGroups(s: string): number[] | undefined {
  if (s === "") return [];
  const out: number[] = [];
  const parts = s.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === parts.length - 1 && p.includes(".")) {
      const v4 = parseV4(p);
      if (!v4) return undefined;
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (isHex(p)) out.push(Number.parseInt(p, 16));
    else return undefined;
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address ("[::1]" brackets and "%zone" suffixes accepted); v4-mapped becomes IPv4. */
export function parseIp(text: string): IpAddress | undefined {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(":")) {
    const v4 = parseV4(s);
    return v4 && { family: 4, bytes: v4 };
  }
  const v6 = parseV6(s);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? { family: 4, bytes: v6.slice(12) } : { family: 6, bytes: v6 };
}

/** The address as text, with v4-mapped IPv6 shown as IPv4 (what RpcContext.source reports). */
export function normalizeIp(text: string): string {
  const ip = parseIp(text);
  if (!ip || ip.family === 6) return text;
  return [...ip.bytes].join(".");
}

/** Parses "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). Throws on invalid input. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const raw = addrText.trim();
  const ip = parseIp(raw);
  if (!ip) throw new Error(`invalid CIDR ${JSON.stringify(text)}: bad address`);
  // a v4-mapped CIDR was written in IPv6 bits: 96 of them precede the IPv4 part
  const mappedV6 = ip.family === 4 && raw.includes(":");
  const max = ip.family === 4 && !mappedV6 ? 32 : 128;
  const prefixText = slash >= 0 ? text.slice(slash + 1).trim() : String(max);
  if (!isDec(prefixText) || Number(prefixText) > max)
    throw new Error(`invalid CIDR ${JSON.stringify(text)}: bad prefix length`);
  let prefix = Number(prefixText);
  if (mappedV6) {
    if (prefix < 96)
      throw new Error(`invalid CIDR ${JSON.stringify(text)}: v4-mapped prefix shorter than 96`);
    prefix -= 96;
  }
  return { family: ip.family, bytes: ip.bytes, prefix };
}

function contains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== ip.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (cidr.bytes[full] & mask) === (ip.bytes[full] & mask);
}

/** True when `ip` (text) lies in `cidr` (text or parsed). Unparseable addresses are never inside. */
export function ipInCidr(ip: string, cidr: string | Cidr): boolean {
  const addr = parseIp(ip);
  return addr !== undefined && contains(typeof cidr === "string" ? parseCidr(cidr) : cidr, addr);
}

/** Compiles an allow-list once (throws on a bad entry) into a predicate over address text. */
export function createCidrMatcher(list: readonly string[]): (ip: string) => boolean {
  const cidrs = list.map(parseCidr);
  return (ip) => {
    const addr = parseIp(ip);
    return addr !== undefined && cidrs.some((c) => contains(c, addr));
  };
}
