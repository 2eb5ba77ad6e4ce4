/**
 * Dispatcher destinations and sets as Kamailio's dispatcher module keeps them (dispatch.c/.h):
 * state flags, attributes, the per-set order and the weight tables.
 */
import { parseUri } from "@switchboard/sip/uri";
import { type IpAddr, type LoadIssue, parseIp, parseParamList, strToInt } from "../shared/index.ts";

/* Destination flags: the `flags` column / list-file field, and the runtime state (dispatch.h). */
export const DS_INACTIVE_DST = 1;
export const DS_TRYING_DST = 2;
export const DS_DISABLED_DST = 4;
export const DS_PROBING_DST = 8;
export const DS_NODNSARES_DST = 16;
export const DS_NOPING_DST = 32;
export const DS_STATES_ALL = 63;

/* Module `flags` parameter bits. */
export const DS_HASH_USER_ONLY = 1;
export const DS_FAILOVER_ON = 2;

/** Inactive and disabled destinations are never selected (ds_skip_dst). */
export function skipDst(flags: number): boolean {
  return (flags & (DS_INACTIVE_DST | DS_DISABLED_DST)) !== 0;
}

/** Kamailio's PROTO_* numbers, used by `dispatcher.list full` (PROTOID) and the trusted table. */
export const PROTO_IDS: Record<string, number> = { udp: 1, tcp: 2, tls: 3, sctp: 4, ws: 5, wss: 6 };

export interface DsAttrs {
  /** The attrs text as configured, without a trailing ";". */
  body: string;
  duid: string;
  maxload: number;
  /** 1..100, 0 when unset or out of range. */
  weight: number;
  rweight: number;
  socket: string;
  sockname: string;
  pingFrom: string;
  obproxy: string;
}

export interface DsDest {
  setid: number;
  uri: string;
  /** Host as written in the URI (IPv6 keeps its brackets). */
  host: string;
  /** URI port, 0 when the URI has none (then any source port matches ds_is_from_list). */
  port: number;
  /** PROTO_* of the URI's transport parameter, 0 when absent. */
  proto: number;
  /** Address the host resolved to at load time (null: not resolved, ds_is_from_list skips it). */
  ip: IpAddr | null;
  priority: number;
  attrs: DsAttrs;
  /** Flags as configured; a reload keeps the runtime state only while these stay the same. */
  configFlags: number;
  /** Runtime flags: state bits (DS_*_DST). */
  flags: number;
  /** Consecutive failed (trying) or successful (inactive) probes, against the thresholds. */
  probingCount: number;
  /** Calls currently routed here by algorithm 10. */
  dload: number;
}

export interface DsSet {
  id: number;
  /** Highest priority first; equal priorities in reverse load order (Kamailio's reindex_dests). */
  dests: DsDest[];
  /** Round-robin position. */
  last: number;
  /** Algorithm 9: 100 slots holding destination indexes in proportion to `weight`, shuffled. */
  wlist: number[];
  wlast: number;
  /** Algorithm 11: the same for `rweight` over the destinations in use. */
  rwlist: number[];
  rwlast: number;
}

export interface DsData {
  /** Sets by id, ascending. */
  sets: Map<number, DsSet>;
  /** Every destination in configuration order (rebuilding from it keeps equal priorities stable). */
  dests: DsDest[];
}

export const EMPTY_DS: DsData = { sets: new Map(), dests: [] };

/** ds_set_attrs(): reads the attribute names the dispatcher knows; others stay in `body` only. */
export function parseDsAttrs(text: string, issues?: LoadIssue[], id?: number | string): DsAttrs {
  const body = text.endsWith(";") ? text.slice(0, -1) : text;
  const a: DsAttrs = {
    body,
    duid: "",
    maxload: 0,
    weight: 0,
    rweight: 0,
    socket: "",
    sockname: "",
    pingFrom: "",
    obproxy: "",
  };
  for (const [name, value] of parseParamList(body)) {
    const n = name.toLowerCase();
    if (n === "duid") a.duid = value;
    else if (n === "maxload") a.maxload = strToInt(value) ?? 0;
    else if (n === "socket") a.socket = value;
    else if (n === "sockname") a.sockname = value;
    else if (n === "ping_from") a.pingFrom = value;
    else if (n === "obproxy") a.obproxy = value;
    else if (n === "weight" || n === "rweight") {
      const v = strToInt(value) ?? 0;
      if (v >= 1 && v <= 100) a[n] = v;
      else issues?.push({ id, message: `${n} ${value} not in 1-100 range - ignoring` });
    }
  }
  return a;
}

/**
 * pack_dest(): a destination from its configured fields. A URI without a scheme gets "sip:" as
 * in Kamailio. Throws when the URI does not parse.
 */
export function packDest(e: DsConfigEntry, issues?: LoadIssue[]): DsDest {
  const uri = e.uri;
  let text = uri.trim();
  let parsed: ReturnType<typeof parseUri>;
  try {
    parsed = parseUri(text);
    if (!parsed.isSip) throw new Error("not a sip/sips URI");
  } catch {
    if (text.length > 4 && !text.startsWith("sip:")) {
      text = `sip:${text}`;
      try {
        parsed = parseUri(text);
      } catch {
        throw new Error(`bad uri [${uri}]`);
      }
    } else {
      throw new Error(`bad uri [${uri}]`);
    }
  }
  return {
    setid: e.setid,
    uri: text,
    host: parsed.host,
    port: parsed.port ?? 0,
    proto: PROTO_IDS[parsed.transport ?? ""] ?? 0,
    ip: parseIp(parsed.host),
    priority: e.priority,
    attrs: parseDsAttrs(e.attrs, issues, e.ref),
    configFlags: e.flags,
    flags: e.flags,
    probingCount: 0,
    dload: 0,
  };
}

/** Fisher-Yates over the 100 slots, like shuffle_uint100array(). */
function shuffle100(arr: number[]): number[] {
  for (let j = 0; j < arr.length; j++) {
    const k = j + Math.floor(Math.random() * (arr.length - j));
    [arr[j], arr[k]] = [arr[k], arr[j]];
  }
  return arr;
}

/**
 * dp_init_weights(): each destination gets `weight` of the 100 slots; a sum above 100 cuts the
 * later ones, a sum below 100 gives the rest to the last destination. Used only when the first
 * destination has a weight.
 */
export function initWeights(set: DsSet): void {
  set.wlast = 0;
  if (set.dests.length === 0 || set.dests[0].attrs.weight === 0) {
    set.wlist = [];
    return;
  }
  const list: number[] = [];
  set.dests.forEach((d, j) => {
    for (let k = 0; k < d.attrs.weight && list.length < 100; k++) list.push(j);
  });
  while (list.length < 100) list.push(set.dests.length - 1);
  set.wlist = shuffle100(list);
}

/**
 * dp_init_relative_weights(): slots in proportion to `rweight` among the destinations in use
 * (inactive/disabled ones get none), truncated; the rest goes to the last one filled. Recomputed
 * whenever a destination with an rweight goes up or down.
 */
export function initRelativeWeights(set: DsSet): void {
  set.rwlast = 0;
  const n = set.dests.length;
  if (n < 2) return;
  const sum = set.dests.reduce((s, d) => s + (skipDst(d.flags) ? 0 : d.attrs.rweight), 0);
  if (sum === 0) {
    set.rwlist = [];
    return;
  }
  const list: number[] = [];
  set.dests.forEach((d, j) => {
    if (skipDst(d.flags)) return;
    const slice = Math.floor((d.attrs.rweight * 100) / sum);
    for (let k = 0; k < slice; k++) list.push(j);
  });
  const lastInsert = list.length > 0 ? list[list.length - 1] : n - 1;
  while (list.length < 100) list.push(lastInsert);
  set.rwlist = shuffle100(list);
}

/** Builds sets from destinations in load order: Kamailio's ordering, then the weight tables. */
export function buildSets(dests: readonly DsDest[]): DsData {
  const sets = new Map<number, DsSet>();
  for (const d of dests) {
    let set = sets.get(d.setid);
    if (!set) {
      set = { id: d.setid, dests: [], last: 0, wlist: [], wlast: 0, rwlist: [], rwlast: 0 };
      sets.set(d.setid, set);
    }
    set.dests.push(d);
  }
  for (const set of sets.values()) {
    // Reverse then stable-sort by priority: highest first, equal priorities in reverse load order.
    set.dests = set.dests.reverse().sort((a, b) => b.priority - a.priority);
    initWeights(set);
    initRelativeWeights(set);
  }
  return { sets: new Map([...sets].sort(([a], [b]) => a - b)), dests: [...dests] };
}

export interface DsConfigEntry {
  setid: number;
  uri: string;
  flags: number;
  priority: number;
  attrs: string;
  /** Row id or list-file line, for issue reports. */
  ref: number | string;
}

/**
 * The list file (`list_file`): `setid destination [flags [priority [attrs]]]` per line, "#" starts a
 * comment, blank lines are ignored. A line that does not start with a set id is reported and skipped.
 */
export function parseListFile(text: string): { entries: DsConfigEntry[]; issues: LoadIssue[] } {
  const entries: DsConfigEntry[] = [];
  const issues: LoadIssue[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.includes("#") ? raw.slice(0, raw.indexOf("#")) : raw;
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (f.length === 0) return;
    const ref = `line ${i + 1}`;
    const setid = /^\d+$/.test(f[0]) ? Number(f[0]) : Number.NaN;
    const flags = f[2] === undefined ? 0 : /^\d+$/.test(f[2]) ? Number(f[2]) : Number.NaN;
    const priority = f[3] === undefined ? 0 : /^\d+$/.test(f[3]) ? Number(f[3]) : Number.NaN;
    if (Number.isNaN(setid) || f.length < 2 || Number.isNaN(flags) || Number.isNaN(priority)) {
      issues.push({ id: ref, message: `bad line [${raw.trim()}]` });
      return;
    }
    entries.push({ setid, uri: f[1], flags, priority, attrs: f[4] ?? "", ref });
  });
  return { entries, issues };
}
