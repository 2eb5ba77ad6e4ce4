/**
 * Destination selection (ds_manage_routes) and state changes (ds_update_state) of Kamailio's
 * dispatcher, as plain functions over a DsSet. They mutate only the set's counters (round-robin
 * and weight positions) and the destinations' runtime flags.
 */
import { parseUri } from "@switchboard/sip/uri";
import { dsHash } from "../shared/index.ts";
import {
  DS_DISABLED_DST,
  DS_FAILOVER_ON,
  DS_HASH_USER_ONLY,
  DS_INACTIVE_DST,
  DS_NODNSARES_DST,
  DS_NOPING_DST,
  DS_PROBING_DST,
  DS_STATES_ALL,
  DS_TRYING_DST,
  type DsDest,
  type DsSet,
  initRelativeWeights,
  skipDst,
} from "./dest.ts";
import type { CallLoad } from "./load.ts";

export const DS_ALG_HASHCALLID = 0;
export const DS_ALG_HASHFROMURI = 1;
export const DS_ALG_HASHTOURI = 2;
export const DS_ALG_HASHRURI = 3;
export const DS_ALG_ROUNDROBIN = 4;
export const DS_ALG_HASHAUTHUSER = 5;
export const DS_ALG_RANDOM = 6;
export const DS_ALG_HASHPV = 7;
export const DS_ALG_SERIAL = 8;
export const DS_ALG_WEIGHT = 9;
export const DS_ALG_CALLLOAD = 10;
export const DS_ALG_RELWEIGHT = 11;

/** What the algorithms read from the request; the routing script extracts these. */
export interface SelectKeys {
  /** Call-ID header value (algorithms 0 and 10). */
  callId?: string;
  /** From / To / Request-URI as URIs, not header values (algorithms 1, 2, 3). */
  fromUri?: string;
  toUri?: string;
  ruri?: string;
  /** Digest username of Proxy-Authorization, else Authorization (algorithm 5; round-robin without). */
  authUser?: string;
  /** The `hash_pvar` format already printed for this request (algorithm 7). */
  pv?: string;
  /** Request method: only an INVITE starts a call for algorithm 10. */
  method?: string;
}

/** One destination of a selection, with what the script needs to send there. */
export interface DsTarget {
  setid: number;
  uri: string;
  /** The destination's attrs text ($xavp(_dsdst_=>attrs)). */
  attrs: string;
  duid: string;
  socket: string;
  sockname: string;
  obproxy: string;
}

/**
 * The outcome of ds_select_dst: `targets[index]` is the destination in use; with failover on
 * (`flags` bit 2) the others follow in failover order. Plain data: keep it with the transaction
 * and hand it back to next()/markDst().
 */
export interface DsSelection {
  setid: number;
  /** Algorithm in effect (10 falls back to 0 for non-INVITEs or destinations without duid). */
  alg: number;
  callId?: string;
  targets: DsTarget[];
  index: number;
}

export interface SelectOptions {
  /** Module `flags`: DS_HASH_USER_ONLY, DS_FAILOVER_ON. */
  flags: number;
  /** `use_default`: the last destination is only used when all others are down. */
  useDefault: boolean;
  /** Most destinations in the selection, the chosen one included (ds_select_dst's limit). */
  limit: number;
  load: CallLoad;
}

function toTarget(d: DsDest): DsTarget {
  return {
    setid: d.setid,
    uri: d.uri,
    attrs: d.attrs.body,
    duid: d.attrs.duid,
    socket: d.attrs.socket,
    sockname: d.attrs.sockname,
    obproxy: d.attrs.obproxy,
  };
}

/**
 * get_uri_hash_keys() + ds_get_hash(): user and host[:port] of the URI as written, the port only
 * when it is not the scheme's default; only the user with DS_HASH_USER_ONLY. null when the URI
 * does not parse or has no host.
 */
export function uriHash(uri: string, userOnly: boolean): number | null {
  let u: ReturnType<typeof parseUri>;
  try {
    u = parseUri(uri.trim());
  } catch {
    return null;
  }
  if (!u.host) return null;
  let key2 = "";
  if (!userOnly) {
    key2 = u.host;
    if (u.port !== null && u.port !== (u.scheme === "sips" ? 5061 : 5060)) key2 += `:${u.port}`;
  }
  return dsHash(u.user ?? "", key2);
}

/** ds_get_leastloaded(): the destination in use with the fewest calls and room under maxload. */
function leastLoaded(set: DsSet): number {
  let k = -1;
  let t = Number.MAX_SAFE_INTEGER;
  set.dests.forEach((d, j) => {
    if (skipDst(d.flags) || (d.attrs.maxload !== 0 && d.dload >= d.attrs.maxload)) return;
    if (d.dload < t) {
      k = j;
      t = d.dload;
    }
  });
  return k;
}

/** ds_manage_routes(): picks a destination of `set` with algorithm `alg`; null when none can be used. */
export function selectDst(
  set: DsSet,
  alg: number,
  keys: SelectKeys,
  opts: SelectOptions,
): DsSelection | null {
  const dests = set.dests;
  const n = dests.length;
  if (n === 0) return null;
  let hash: number;
  let roundRobin = false;
  let effAlg = alg;
  const nextRoundRobin = () => {
    roundRobin = true;
    const h = set.last;
    set.last = (set.last + 1) % n;
    return h;
  };
  switch (alg) {
    case DS_ALG_HASHCALLID: {
      const cid = keys.callId?.trim();
      if (!cid) return null;
      hash = dsHash(cid);
      break;
    }
    case DS_ALG_HASHFROMURI:
    case DS_ALG_HASHTOURI:
    case DS_ALG_HASHRURI: {
      const uri =
        alg === DS_ALG_HASHFROMURI ? keys.fromUri : alg === DS_ALG_HASHTOURI ? keys.toUri : keys.ruri;
      const h = uri ? uriHash(uri, (opts.flags & DS_HASH_USER_ONLY) !== 0) : null;
      if (h === null) return null;
      hash = h;
      break;
    }
    case DS_ALG_ROUNDROBIN:
      hash = nextRoundRobin();
      break;
    case DS_ALG_HASHAUTHUSER: {
      const user = keys.authUser?.trim();
      hash = user ? dsHash(user) : nextRoundRobin();
      break;
    }
    case DS_ALG_RANDOM:
      hash = Math.floor(Math.random() * 0x80000000);
      break;
    case DS_ALG_HASHPV: {
      const s = keys.pv?.trim();
      if (!s) return null;
      hash = dsHash(s);
      break;
    }
    case DS_ALG_WEIGHT:
      hash = set.wlist[set.wlast] ?? 0;
      set.wlast = (set.wlast + 1) % 100;
      break;
    case DS_ALG_CALLLOAD:
      if (keys.method?.toUpperCase() !== "INVITE" || !keys.callId) {
        hash = 0;
        effAlg = DS_ALG_HASHCALLID;
      } else {
        hash = leastLoaded(set);
        if (hash < 0) return null;
      }
      break;
    case DS_ALG_RELWEIGHT:
      hash = set.rwlist[set.rwlast] ?? 0;
      set.rwlast = (set.rwlast + 1) % 100;
      break;
    default:
      // DS_ALG_SERIAL (8) and algorithms not implemented: the first entry, i.e. highest priority.
      hash = 0;
  }

  const span = opts.useDefault && n !== 1 ? n - 1 : n;
  hash %= span;
  let i = hash;
  while (skipDst(dests[i].flags)) {
    i = (i + 1) % span;
    if (i === hash) {
      if (!opts.useDefault) return null;
      i = n - 1;
      if (skipDst(dests[i].flags)) return null;
      break;
    }
  }
  if (roundRobin) set.last = (i + 1) % n;
  if (effAlg === DS_ALG_CALLLOAD && !opts.load.add(keys.callId!, dests[i])) effAlg = DS_ALG_HASHCALLID;

  const targets = [toTarget(dests[i])];
  if (opts.flags & DS_FAILOVER_ON) {
    const add = (j: number) => {
      const d = dests[j];
      if (targets.length >= opts.limit || skipDst(d.flags) || (opts.useDefault && j === n - 1)) return;
      if (
        effAlg === DS_ALG_CALLLOAD &&
        (!d.attrs.duid || (d.attrs.maxload !== 0 && d.dload >= d.attrs.maxload))
      ) {
        return;
      }
      targets.push(toTarget(d));
    };
    for (let j = i + 1; j < n; j++) add(j);
    for (let j = 0; j < i; j++) add(j);
    if (opts.useDefault && i !== n - 1 && targets.length < opts.limit) targets.push(toTarget(dests[n - 1]));
  }
  return { setid: set.id, alg: effAlg, callId: keys.callId, targets, index: 0 };
}

export interface Thresholds {
  /** ds_probing_threshold: failed probes before a destination goes from trying to inactive. */
  probing: number;
  /** ds_inactive_threshold: successful probes before an inactive destination is active again. */
  inactive: number;
}

/** "down" when the destination stopped being usable, "up" when it became usable again. */
export type StateChange = "down" | "up" | null;

function changeOf(set: DsSet, d: DsDest, old: number): StateChange {
  const change = !skipDst(old) && skipDst(d.flags) ? "down" : skipDst(old) && !skipDst(d.flags) ? "up" : null;
  if (change && d.attrs.rweight > 0) initRelativeWeights(set);
  return change;
}

/**
 * ds_update_state(): a probe result or a ds_mark_dst. `mode` 1 (marking from the script) applies
 * "inactive" at once; mode 0 (probing) counts against the thresholds: trying -> inactive after
 * `probing` failures, inactive -> active after `inactive` successes.
 */
export function updateState(
  set: DsSet,
  d: DsDest,
  newState: number,
  mode: 0 | 1,
  th: Thresholds,
): StateChange {
  const old = d.flags;
  const init = newState;
  let state = newState;
  d.flags &= ~DS_STATES_ALL;
  if (state & DS_TRYING_DST && old & DS_INACTIVE_DST) {
    // Inactive stays inactive: it has to become active before it can be trying again.
    state = (state & ~DS_TRYING_DST) | DS_INACTIVE_DST;
  }
  d.flags |= state & DS_DISABLED_DST ? DS_DISABLED_DST : state;
  if (state & DS_TRYING_DST) {
    d.probingCount++;
    if (mode === 1 || d.probingCount >= th.probing) {
      d.flags = (d.flags & ~DS_TRYING_DST) | DS_INACTIVE_DST;
      d.probingCount = 0;
    }
  } else if (!(init & DS_TRYING_DST) && old & DS_INACTIVE_DST) {
    d.probingCount++;
    if (mode === 0 && d.probingCount < th.inactive) {
      d.flags |= DS_INACTIVE_DST | (old & DS_PROBING_DST);
    } else {
      d.probingCount = 0;
    }
  } else {
    d.probingCount = 0;
  }
  return changeOf(set, d, old);
}

/** ds_reinit_state(): sets the state bits as given (RPC dispatcher.set_state). */
export function setState(set: DsSet, d: DsDest, state: number): StateChange {
  const old = d.flags;
  d.flags = (d.flags & ~DS_STATES_ALL) | state;
  return changeOf(set, d, old);
}

/** ds_parse_flags(): "a" clears, "i" "d" "t" "p" add (ds_mark_dst, ds_mark_addr); -1 when invalid. */
export function parseMarkState(s: string): number {
  let flag = 0;
  for (const c of s.toLowerCase()) {
    if (c === "a") flag &= ~DS_STATES_ALL;
    else if (c === "i") flag |= DS_INACTIVE_DST;
    else if (c === "d") flag |= DS_DISABLED_DST;
    else if (c === "t") flag |= DS_TRYING_DST;
    else if (c === "p") flag |= DS_PROBING_DST;
    else return -1;
  }
  return flag;
}

/** dispatcher.set_state's state: a/i/d/t (or 1/0/2/3), then an optional "p" for probing; -1 when invalid. */
export function parseRpcState(s: string): number {
  const probing = s.length > 1 && (s[1] === "p" || s[1] === "P") ? DS_PROBING_DST : 0;
  switch (s[0]) {
    case "0":
    case "i":
    case "I":
      return DS_INACTIVE_DST | probing;
    case "1":
    case "a":
    case "A":
      return probing;
    case "2":
    case "d":
    case "D":
      return DS_DISABLED_DST;
    case "3":
    case "t":
    case "T":
      return DS_TRYING_DST | probing;
    default:
      return -1;
  }
}

/** The FLAGS text of dispatcher.list: A/I/T/D then P (probing), N (no ping) or X. */
export function flagsText(flags: number): string {
  const state =
    flags & DS_INACTIVE_DST ? "I" : flags & DS_DISABLED_DST ? "D" : flags & DS_TRYING_DST ? "T" : "A";
  const probe = flags & DS_PROBING_DST ? "P" : flags & DS_NOPING_DST ? "N" : "X";
  return state + probe;
}

export const DS_PROBE_NONE = 0;
export const DS_PROBE_ALL = 1;
export const DS_PROBE_INACTIVE = 2;
export const DS_PROBE_ONLYFLAGGED = 3;

/** ds_ping_set() + ds_ping_result_helper(): whether the timer sends a probe to this destination. */
export function wantsPing(d: DsDest, probingMode: number): boolean {
  if (d.flags & (DS_DISABLED_DST | DS_NOPING_DST | DS_NODNSARES_DST)) return false;
  if (probingMode === DS_PROBE_ALL) return true;
  if (probingMode !== DS_PROBE_INACTIVE) return (d.flags & DS_PROBING_DST) !== 0;
  return (d.flags & DS_PROBING_DST) !== 0 && (d.flags & DS_INACTIVE_DST) !== 0;
}

/**
 * ds_options_callback(): applies a probe's outcome. A reply accepted by `ok` makes the destination
 * active (keeping the probing bit in modes 1 and 3); anything else makes it trying (+probing unless
 * mode 0). Disabled destinations are left alone.
 */
export function probeResult(
  set: DsSet,
  d: DsDest,
  ok: boolean,
  probingMode: number,
  th: Thresholds,
): StateChange {
  if (probingMode === DS_PROBE_ONLYFLAGGED && !(d.flags & DS_PROBING_DST)) return null;
  if (d.flags & DS_DISABLED_DST) return null;
  let state: number;
  if (ok) {
    const keepProbing =
      probingMode === DS_PROBE_ALL ||
      (probingMode === DS_PROBE_ONLYFLAGGED && (d.flags & DS_PROBING_DST) !== 0);
    state = keepProbing ? DS_PROBING_DST : 0;
  } else {
    state = DS_TRYING_DST | (probingMode !== DS_PROBE_NONE ? DS_PROBING_DST : 0);
  }
  return updateState(set, d, state, 0, th);
}
