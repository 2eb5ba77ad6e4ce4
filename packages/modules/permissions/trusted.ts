/**
 * The `trusted` table as Kamailio's permissions module caches it (trusted.c, hash.c): entries keyed
 * by source IP, each with a transport, an optional From-URI pattern, an optional Request-URI pattern
 * (POSIX basic regular expressions, as regcomp() without REG_EXTENDED reads them) and a tag. Entries
 * of one address are tried by priority, highest first; proto "any" matches every transport and
 * "none" rows are never loaded.
 */
import { compileRegex, coreHashSlot, type LoadIssue, parseIp } from "../shared/index.ts";
import { PERM_HASH_SIZE } from "./address.ts";

export interface TrustedRow {
  id: number;
  srcIp: string;
  proto: string;
  fromPattern: string | null;
  ruriPattern: string | null;
  tag: string | null;
  priority: number;
}

/** Kamailio's PROTO_* numbers (trustedDump prints them); 0 is "any". */
export const TRUSTED_PROTOS: Record<string, number> = {
  any: 0,
  udp: 1,
  tcp: 2,
  tls: 3,
  sctp: 4,
  ws: 5,
  wss: 6,
};

export interface TrustedEntry {
  srcIp: string;
  proto: number;
  fromPattern: string | null;
  ruriPattern: string | null;
  from: RegExp | null;
  ruri: RegExp | null;
  tag: string | null;
  priority: number;
  slot: number;
}

export interface TrustedData {
  /** By source address (canonical text for IPs), highest priority first, load order on ties. */
  bySrc: Map<string, TrustedEntry[]>;
  /** trustedDump order: by hash slot, then as matched. */
  all: TrustedEntry[];
}

export const EMPTY_TRUSTED: TrustedData = { bySrc: new Map(), all: [] };

export interface TrustedResult {
  allowed: boolean;
  /** Tag of the first matching entry (peer_tag_mode 0), null when it has none. */
  tag: string | null;
  /** Tags of every matching entry (peer_tag_mode 1). */
  tags: string[];
}

/** Source addresses compare as addresses ("2001:DB8::1" is "2001:db8::1"), anything else as written. */
function srcKey(s: string): string {
  return parseIp(s)?.text ?? s.trim();
}

export function buildTrusted(rows: readonly TrustedRow[]) {
  const issues: LoadIssue[] = [];
  const bySrc = new Map<string, TrustedEntry[]>();
  const seen = new Set<string>();
  let size = 0;
  for (const r of rows) {
    const p = r.proto.trim().toLowerCase();
    if (p === "none") continue;
    const proto = TRUSTED_PROTOS[p];
    if (proto === undefined) {
      issues.push({ id: r.id, message: `unknown protocol ${r.proto}` });
      continue;
    }
    // Exact duplicate rows are loaded once, like Kamailio.
    const dup = JSON.stringify([srcKey(r.srcIp), proto, r.fromPattern, r.ruriPattern, r.tag, r.priority]);
    if (seen.has(dup)) continue;
    seen.add(dup);
    let from: RegExp | null = null;
    let ruri: RegExp | null = null;
    try {
      from = r.fromPattern === null ? null : compileRegex(r.fromPattern, "bre");
      ruri = r.ruriPattern === null ? null : compileRegex(r.ruriPattern, "bre");
    } catch (e) {
      issues.push({ id: r.id, message: `invalid regular expression: ${(e as Error).message}` });
      continue;
    }
    const key = srcKey(r.srcIp);
    const entry: TrustedEntry = {
      srcIp: r.srcIp,
      proto,
      fromPattern: r.fromPattern,
      ruriPattern: r.ruriPattern,
      from,
      ruri,
      tag: r.tag,
      priority: r.priority,
      slot: coreHashSlot(r.srcIp, PERM_HASH_SIZE),
    };
    const list = bySrc.get(key) ?? [];
    // Inserted after every entry of equal or higher priority.
    const at = list.findIndex((e) => e.priority < entry.priority);
    list.splice(at < 0 ? list.length : at, 0, entry);
    bySrc.set(key, list);
    size++;
  }
  const all = [...bySrc.values()].flat().sort((a, b) => a.slot - b.slot);
  return { data: { bySrc, all }, size, issues };
}

/**
 * allow_trusted([src_ip, proto]): the entries for the source address whose transport matches
 * ("any" on either side matches) and whose patterns match the From URI and the Request-URI.
 */
export function matchTrusted(
  data: TrustedData,
  srcIp: string,
  proto: string,
  fromUri: string,
  ruri: string,
  allTags: boolean,
): TrustedResult {
  const p = TRUSTED_PROTOS[proto.trim().toLowerCase()] ?? 0;
  const tags: string[] = [];
  let found = false;
  for (const e of data.bySrc.get(srcKey(srcIp)) ?? []) {
    if (e.proto !== 0 && p !== 0 && e.proto !== p) continue;
    if (e.from && !e.from.test(fromUri)) continue;
    if (e.ruri && !e.ruri.test(ruri)) continue;
    found = true;
    if (e.tag !== null) tags.push(e.tag);
    if (!allTags) return { allowed: true, tag: e.tag, tags };
  }
  return { allowed: found, tag: tags[0] ?? null, tags };
}
