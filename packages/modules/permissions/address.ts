/**
 * The `address` table as Kamailio's permissions module caches it (address.c, hash.c):
 *
 * - rows with a full-length mask (32 for IPv4, 128 for IPv6) go to an exact-address table,
 * - other masks to the subnet table, kept ordered by group (the first matching subnet wins),
 * - rows whose ip_addr is not an address to the domain-name table (allow_address with a name).
 * Port 0 matches any port. The exact table is searched before the subnets.
 */
import {
  coreHashSlot,
  hostMaskBits,
  type IpAddr,
  ipEquals,
  ipInNet,
  type LoadIssue,
  parseIp,
} from "../shared/index.ts";

/** PERM_HASH_SIZE: slots of Kamailio's address and trusted hash tables (shown by the dump commands). */
export const PERM_HASH_SIZE = 128;

export interface AddressRow {
  id: number;
  grp: number;
  ipAddr: string;
  mask: number;
  port: number;
  tag: string | null;
}

export interface AddrEntry {
  grp: number;
  ip: IpAddr;
  port: number;
  tag: string | null;
  /** Hash slot of Kamailio's table (over the first 4 address bytes), for addressDump. */
  slot: number;
}

export interface SubnetEntry {
  grp: number;
  ip: IpAddr;
  mask: number;
  port: number;
  tag: string | null;
}

export interface DomainEntry {
  grp: number;
  domain: string;
  port: number;
  tag: string | null;
  slot: number;
}

export interface AddressData {
  /** Exact addresses by canonical text. */
  byIp: Map<string, AddrEntry[]>;
  /** In Kamailio's dump order: by slot, the latest loaded first within a slot. */
  addrs: AddrEntry[];
  /** Ordered by group, load order within a group. */
  subnets: SubnetEntry[];
  domains: DomainEntry[];
}

export const EMPTY_ADDRESS: AddressData = { byIp: new Map(), addrs: [], subnets: [], domains: [] };

export interface Permission {
  allowed: boolean;
  /** The matching entry's tag (Kamailio's peer_tag_avp), null when it has none. */
  tag: string | null;
}

const DENIED: Permission = { allowed: false, tag: null };

export function buildAddress(rows: readonly AddressRow[], maxSubnets: number) {
  const issues: LoadIssue[] = [];
  const addrs: AddrEntry[] = [];
  const subnets: SubnetEntry[] = [];
  const domains: DomainEntry[] = [];
  for (const r of rows) {
    const ip = parseIp(r.ipAddr);
    if (!ip) {
      if (!r.ipAddr.trim()) issues.push({ id: r.id, message: "empty ip_addr" });
      else
        domains.push({
          grp: r.grp,
          domain: r.ipAddr,
          port: r.port,
          tag: r.tag,
          slot: coreHashSlot(r.ipAddr, PERM_HASH_SIZE),
        });
      continue;
    }
    const full = hostMaskBits(ip);
    if (r.mask < 0 || r.mask > full) {
      issues.push({ id: r.id, message: `invalid mask ${r.mask} for ${r.ipAddr}` });
    } else if (r.mask === full) {
      addrs.push({
        grp: r.grp,
        ip,
        port: r.port,
        tag: r.tag,
        slot: coreHashSlot(ip.bytes.subarray(0, 4), PERM_HASH_SIZE),
      });
    } else if (subnets.length >= maxSubnets) {
      issues.push({ id: r.id, message: `subnet table is full (max_subnets ${maxSubnets})` });
    } else {
      subnets.push({ grp: r.grp, ip, mask: r.mask, port: r.port, tag: r.tag });
    }
  }
  const byIp = new Map<string, AddrEntry[]>();
  // Newest first, as the chains of Kamailio's hash table are searched.
  for (const a of addrs) byIp.set(a.ip.text, [a, ...(byIp.get(a.ip.text) ?? [])]);
  // Kamailio prepends to a slot's chain: the dump shows slots in order, newest first within one.
  const dumpOrder = addrs.map((a, i) => ({ a, i })).sort((x, y) => x.a.slot - y.a.slot || y.i - x.i);
  const data: AddressData = {
    byIp,
    addrs: dumpOrder.map((x) => x.a),
    subnets: subnets
      .map((s, i) => ({ s, i }))
      .sort((x, y) => x.s.grp - y.s.grp || x.i - y.i)
      .map((x) => x.s),
    domains: domains
      .map((d, i) => ({ d, i }))
      .sort((x, y) => x.d.slot - y.d.slot || y.i - x.i)
      .map((x) => x.d),
  };
  return { data, size: addrs.length + subnets.length + domains.length, issues };
}

const portOk = (entryPort: number, port: number) => entryPort === 0 || entryPort === port;

/**
 * allow_address(group, ip, port) / allow_source_address(group): whether ip:port belongs to the group,
 * exact addresses first, then subnets; a name instead of an address is looked up in the names.
 */
export function matchAddress(data: AddressData, grp: number, address: string, port: number): Permission {
  const ip = parseIp(address);
  if (!ip) {
    const d = data.domains.find((e) => e.grp === grp && portOk(e.port, port) && e.domain === address);
    return d ? { allowed: true, tag: d.tag } : DENIED;
  }
  const exact = data.byIp.get(ip.text)?.find((e) => e.grp === grp && portOk(e.port, port));
  if (exact) return { allowed: true, tag: exact.tag };
  const net = data.subnets.find((s) => s.grp === grp && portOk(s.port, port) && ipInNet(ip, s.ip, s.mask));
  return net ? { allowed: true, tag: net.tag } : DENIED;
}

/** allow_source_address_group() / allow_address_group(): the group of the first matching entry, or -1. */
export function findAddressGroup(data: AddressData, address: string, port: number): number {
  const ip = parseIp(address);
  if (!ip) return data.domains.find((e) => portOk(e.port, port) && e.domain === address)?.grp ?? -1;
  const exact = data.byIp.get(ip.text)?.find((e) => portOk(e.port, port) && ipEquals(e.ip, ip));
  if (exact) return exact.grp;
  return data.subnets.find((s) => portOk(s.port, port) && ipInNet(ip, s.ip, s.mask))?.grp ?? -1;
}
