/**
 * Flatteners for Kamailio's nested RPC answers, so the console can show tables. Tolerant: they accept what this
 * package's parsers produce over either protocol (including repeated struct members, see values.ts) and skip
 * entries that do not have the expected shape instead of throwing.
 */
import type { AddressDumpEntry, DispatcherAttrs, DispatcherDest, TrustedItem, UlContact } from "./methods.ts";
import { valuesOf } from "./values.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
/** Kamailio prints "[not set]" for empty optional fields. */
const optStr = (v: unknown): string | null =>
  v === undefined || v === null || v === "[not set]" ? null : String(v);

/** True for the answer of a command that returns nothing: {} (JSON-RPC) or true (XML-RPC). */
export function isEmptyResult(v: unknown): boolean {
  return v === true || (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
}

/**
 * Counters as { "group:name": value } from stats.get_statistics lines ("core:rcv_requests = 42") or from the
 * stats.fetch / stats.fetchn object ({"core.rcv_requests": "42"}, first "." read as the group separator).
 */
export function parseStats(result: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(result)) {
    for (const line of result) {
      if (typeof line !== "string") continue;
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const value = Number(line.slice(eq + 1).trim());
      if (!Number.isNaN(value)) out[line.slice(0, eq).trim()] = value;
    }
    return out;
  }
  if (isObj(result)) {
    for (const [key, raw] of Object.entries(result)) {
      const value = num(raw);
      if (Number.isNaN(value)) continue;
      const dot = key.indexOf(".");
      out[key.includes(":") || dot < 0 ? key : `${key.slice(0, dot)}:${key.slice(dot + 1)}`] = value;
    }
  }
  return out;
}

export interface UlContactRow {
  /** location table ("Domain" in ul.dump) */
  table: string;
  aor: string;
  hashId: number | null;
  address: string;
  /** seconds left; null when Kamailio says "permanent" / "deleted" / "expired" (see expiresNote) */
  expires: number | null;
  expiresNote: string | null;
  /** null when unset (-1) */
  q: number | null;
  callId: string;
  cseq: number;
  userAgent: string;
  received: string | null;
  path: string | null;
  state: string;
  flags: number;
  cflags: number;
  socket: string | null;
  methods: number;
  ruid: string;
  instance: string | null;
  regId: number;
  serverId: number;
  tcpconnId: number;
  keepalive: number;
  lastKeepalive: number;
  kaRoundtrip: number;
  lastModified: number;
}

function contactRow(table: string, aor: string, hashId: number | null, c: UlContact): UlContactRow {
  const expiresNumeric = typeof c.Expires === "number";
  const q = num(c.Q);
  return {
    table,
    aor,
    hashId,
    address: String(c.Address),
    expires: expiresNumeric ? (c.Expires as number) : null,
    expiresNote: expiresNumeric ? null : String(c.Expires),
    q: q < 0 || Number.isNaN(q) ? null : q,
    callId: String(c["Call-ID"] ?? ""),
    cseq: num(c.CSeq),
    userAgent: String(c["User-Agent"] ?? ""),
    received: optStr(c.Received),
    path: optStr(c.Path),
    state: String(c.State ?? ""),
    flags: num(c.Flags),
    cflags: num(c.CFlags),
    socket: optStr(c.Socket),
    methods: num(c.Methods),
    ruid: String(c.Ruid ?? ""),
    instance: optStr(c.Instance),
    regId: num(c["Reg-Id"]),
    serverId: num(c["Server-Id"]),
    tcpconnId: num(c["Tcpconn-Id"]),
    keepalive: num(c.Keepalive),
    lastKeepalive: num(c["Last-Keepalive"]),
    kaRoundtrip: num(c["KA-Roundtrip"]),
    lastModified: num(c["Last-Modified"]),
  };
}

function contactsOf(table: string, aor: string, hashId: number | null, contacts: unknown): UlContactRow[] {
  return arr(contacts)
    .map((w) => (isObj(w) ? w.Contact : undefined))
    .filter(isObj)
    .map((c) => contactRow(table, aor, hashId, c as unknown as UlContact));
}

/** ul.dump (full form) → one row per contact, across every location table. */
export function normalizeUlDump(result: unknown): UlContactRow[] {
  const rows: UlContactRow[] = [];
  if (!isObj(result)) return rows;
  for (const d of arr(result.Domains)) {
    const domain = isObj(d) && isObj(d.Domain) ? d.Domain : undefined;
    if (!domain) continue;
    const table = String(domain.Domain ?? "");
    for (const a of arr(domain.AoRs)) {
      const info = isObj(a) && isObj(a.Info) ? a.Info : undefined;
      if (!info) continue; // "brief" dump has no contacts
      const hashId = info.HashID === undefined ? null : num(info.HashID);
      rows.push(...contactsOf(table, String(info.AoR ?? ""), hashId, info.Contacts));
    }
  }
  return rows;
}

/** ul.lookup → one row per contact (the table is what was asked for). */
export function normalizeUlLookup(result: unknown, table = "location"): UlContactRow[] {
  if (!isObj(result)) return [];
  return contactsOf(table, String(result.AoR ?? ""), null, result.Contacts);
}

export type DispatcherState = "active" | "inactive" | "trying" | "disabled" | "unknown";

export interface DispatcherRow {
  setid: number;
  /** 6.1+ */
  idx: number | null;
  uri: string;
  flags: string;
  state: DispatcherState;
  probing: boolean;
  priority: number;
  iuid: string | null;
  duid: string | null;
  weight: number | null;
  attrs: DispatcherAttrs | null;
  latency: DispatcherDest["LATENCY"] | null;
}

const STATES: Record<string, DispatcherState> = { A: "active", I: "inactive", T: "trying", D: "disabled" };

/** dispatcher.list → one row per destination, in the order Kamailio lists them. */
export function normalizeDispatcherList(result: unknown): DispatcherRow[] {
  const rows: DispatcherRow[] = [];
  if (!isObj(result)) return rows;
  for (const r of arr(result.RECORDS)) {
    const set = isObj(r) && isObj(r.SET) ? r.SET : undefined;
    if (!set) continue;
    for (const t of arr(set.TARGETS)) {
      const dest = isObj(t) && isObj(t.DEST) ? (t.DEST as unknown as DispatcherDest) : undefined;
      if (!dest) continue;
      const flags = String(dest.FLAGS ?? "");
      const attrs = isObj(dest.ATTRS) ? dest.ATTRS : null;
      rows.push({
        setid: num(set.ID),
        idx: dest.IDX === undefined ? null : num(dest.IDX),
        uri: String(dest.URI),
        flags,
        state: STATES[flags[0]] ?? "unknown",
        probing: flags[1] === "P",
        priority: num(dest.PRIORITY),
        iuid: dest.IUID === undefined ? null : String(dest.IUID),
        duid: attrs?.DUID ? String(attrs.DUID) : null,
        weight: attrs?.WEIGHT === undefined ? null : num(attrs.WEIGHT),
        attrs,
        latency: dest.LATENCY ?? null,
      });
    }
  }
  return rows;
}

export interface TrustedRow extends TrustedItem {
  /** hash slot */
  table: number;
}

/**
 * permissions.trustedDump → rows. Kamailio sends one struct with "table"/"item" repeated per entry; this package's
 * parsers keep every repeat, and the n-th "table" pairs with the n-th "item".
 */
export function normalizeTrustedDump(result: unknown): TrustedRow[] {
  const flat = (key: string) => valuesOf(result, key).flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (Array.isArray(result)) {
    // tolerated alternative: [{table, item}, ...]
    return result.filter(isObj).flatMap((e) => (isObj(e.item) ? [trustedRow(e.table, e.item)] : []));
  }
  const tables = flat("table");
  return flat("item")
    .filter(isObj)
    .map((item, i) => trustedRow(tables[i], item));
}

function trustedRow(table: unknown, item: Obj): TrustedRow {
  return {
    table: num(table),
    ip: String(item.ip ?? ""),
    proto: String(item.proto ?? ""),
    pattern: String(item.pattern ?? ""),
    ruri_pattern: String(item.ruri_pattern ?? ""),
    tag: String(item.tag ?? ""),
    priority: num(item.priority ?? 0),
  };
}

export interface AddressRow {
  table: number;
  group: number;
  ip: string;
  port: number;
  tag: string | null;
}

/** permissions.addressDump → rows ("NULL" tags become null). */
export function normalizeAddressDump(result: unknown): AddressRow[] {
  return arr(result)
    .filter(isObj)
    .flatMap((e) => {
      const item = (isObj(e.item) ? e.item : undefined) as AddressDumpEntry["item"] | undefined;
      if (!item) return [];
      const tag = item.tag === undefined || item.tag === "NULL" ? null : String(item.tag);
      return [{ table: num(e.table), group: num(e.group), ip: String(item.ip), port: num(item.port), tag }];
    });
}

/** cfg.list lines ("group: name") → pairs. */
export function normalizeCfgList(result: unknown): Array<{ group: string; name: string }> {
  return arr(result).flatMap((line) => {
    if (typeof line !== "string") return [];
    const colon = line.indexOf(":");
    return colon < 0 ? [] : [{ group: line.slice(0, colon).trim(), name: line.slice(colon + 1).trim() }];
  });
}
