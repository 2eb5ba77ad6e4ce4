/**
 * dispatcher module: load balancing and failover over destination sets (Kamailio's dispatcher).
 *
 *   const ds = new Dispatcher({ db, params: { flags: 2, ds_probing_mode: 1 } });
 *   await ds.load();
 *   ds.startProbing((uri, o) => sendOptionsRequest(uri, o));   // resolves with the final status, 408 on timeout
 *   const sel = ds.select(1, 4, { callId, fromUri, toUri, ruri, method: "INVITE" });  // ds_select_dst(1, 4)
 *   if (!sel) reply(503);  else relay to sel.targets[sel.index].uri
 *   // failure route:  ds.markDst(sel); const next = ds.next(sel);  // ds_mark_dst(); ds_next_dst()
 *
 * Data comes from the `dispatcher` table, or from `list_file` when that parameter is set. Reloads
 * keep the runtime state (probing, inactive) of destinations whose set, URI and flags did not change.
 */
import { lookup } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { type Db, schema } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import {
  ipEquals,
  type LoadIssue,
  parseIp,
  parseParamList,
  ReloadableTable,
  type ReloadReport,
} from "../shared/index.ts";
import {
  buildSets,
  DS_INACTIVE_DST,
  DS_NODNSARES_DST,
  DS_PROBING_DST,
  type DsConfigEntry,
  type DsData,
  type DsDest,
  type DsSet,
  EMPTY_DS,
  initRelativeWeights,
  PROTO_IDS,
  packDest,
  parseListFile,
  skipDst,
} from "./dest.ts";
import { CallLoad } from "./load.ts";
import { registerDispatcherRpc } from "./rpc.ts";
import {
  DS_ALG_CALLLOAD,
  DS_PROBE_ALL,
  type DsSelection,
  type DsTarget,
  parseMarkState,
  parseRpcState,
  probeResult,
  type SelectKeys,
  type StateChange,
  selectDst,
  setState,
  type Thresholds,
  updateState,
  wantsPing,
} from "./select.ts";

export * from "./dest.ts";
export * from "./select.ts";

export interface DispatcherParams {
  /** Read destinations from this file (Kamailio's list-file format) instead of the database. */
  list_file: string;
  /** Bit 1: hash only the URI user; bit 2: failover (keep the other destinations for next()). */
  flags: number;
  /** 1: the last destination of a set is used only when all others are down. */
  use_default: number;
  ds_ping_method: string;
  /** From URI of the probes; a destination's `ping_from` attr overrides it. */
  ds_ping_from: string;
  /** Seconds between probe rounds; 0 disables probing. */
  ds_ping_interval: number;
  /** Failed probes before a trying destination becomes inactive. */
  ds_probing_threshold: number;
  /** Successful probes before an inactive destination becomes active. */
  ds_inactive_threshold: number;
  /** Replies accepted besides 2xx, e.g. "class=3;code=403;code=488". */
  ds_ping_reply_codes: string;
  /**
   * 0: probe only destinations with the probing flag (a success clears it); 1: probe all, a failure
   * makes an active destination trying; 2: probe only inactive destinations with the probing flag;
   * 3: probe flagged destinations and keep the flag.
   */
  ds_probing_mode: number;
  /** Outbound proxy for probes; a destination's `obproxy` attr overrides it. */
  outbound_proxy: string;
  /** > 0 adds RUNTIME {DLGLOAD} to `dispatcher.list` (Kamailio sizes its call-load table with it). */
  ds_hash_size: number;
  /** Seconds a call counts for algorithm 10 at most, and while not confirmed by a 2xx. */
  ds_hash_expire: number;
  ds_hash_initexpire: number;
  /** Seconds between sweeps of expired call-load entries. */
  ds_hash_check_interval: number;
  /** Seconds between two accepted reload/add/remove RPC commands; 0 = no limit. */
  reload_delta: number;
}

/**
 * Kamailio's defaults, except the probing cadence the project asks for: ping every 10 s and mark a
 * destination inactive after 3 failed probes (Kamailio: 0 = no probing, threshold 1).
 */
export const DISPATCHER_DEFAULTS: DispatcherParams = {
  list_file: "",
  flags: 0,
  use_default: 0,
  ds_ping_method: "OPTIONS",
  ds_ping_from: "sip:dispatcher@localhost",
  ds_ping_interval: 10,
  ds_probing_threshold: 3,
  ds_inactive_threshold: 1,
  ds_ping_reply_codes: "",
  ds_probing_mode: 0,
  outbound_proxy: "",
  ds_hash_size: 0,
  ds_hash_expire: 7200,
  ds_hash_initexpire: 7200,
  ds_hash_check_interval: 30,
  reload_delta: 0,
};

/** How the probe is sent: the routing layer wires this to a real non-INVITE client transaction. */
export type SendOptions = (
  uri: string,
  opts: { method: string; from: string; setid: number; obproxy: string; socket: string; sockname: string },
) => Promise<number>;

export interface DsStateEvent {
  setid: number;
  uri: string;
  /** "down": the destination is no longer used (event_route[dispatcher:dst-down]); "up": used again. */
  change: Exclude<StateChange, null>;
  /** Probe reply code, when a probe caused the change. */
  code?: number;
}

/** ds_is_from_list modes. */
export const DS_MATCH_NOPORT = 1;
export const DS_MATCH_NOPROTO = 2;
export const DS_MATCH_ACTIVE = 4;

function replyCodeMatcher(spec: string): (code: number) => boolean {
  const codes = new Set<number>();
  const classes = new Set<number>();
  for (const [name, value] of parseParamList(spec)) {
    const n = Number(value);
    if (name.toLowerCase() === "code" && n >= 100 && n <= 699) codes.add(n);
    else if (name.toLowerCase() === "class" && n >= 1 && n <= 6) classes.add(n);
    else throw new Error(`bad ds_ping_reply_codes entry ${name}=${value}`);
  }
  return (code) => (code >= 200 && code <= 299) || codes.has(code) || classes.has(Math.floor(code / 100));
}

function sameUri(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

export class Dispatcher {
  readonly params: DispatcherParams;
  readonly table: ReloadableTable<DsData>;
  /** Calls counted by algorithm 10. */
  readonly callLoad: CallLoad;
  /** dispatcher.ping_active: probing runs only while this is 1. */
  pingActive = 1;
  readonly #acceptReply: (code: number) => boolean;
  readonly #onStateChange?: (ev: DsStateEvent) => void;
  #send: SendOptions | null = null;
  #pingTimer: NodeJS.Timeout | null = null;
  #loadTimer: NodeJS.Timeout | null = null;
  readonly #inFlight = new Set<DsDest>();

  constructor(opts: {
    db?: Db;
    params?: Partial<DispatcherParams>;
    onStateChange?: (ev: DsStateEvent) => void;
  }) {
    this.params = { ...DISPATCHER_DEFAULTS, ...opts.params };
    this.#acceptReply = replyCodeMatcher(this.params.ds_ping_reply_codes);
    this.#onStateChange = opts.onStateChange;
    const db = opts.db;
    const file = this.params.list_file;
    if (!file && !db) throw new Error("dispatcher: needs a database or the list_file parameter");
    this.callLoad = new CallLoad(
      () => this.table.data,
      () => ({ expire: this.params.ds_hash_expire, initExpire: this.params.ds_hash_initexpire }),
    );
    const read = file ? () => readListFile(file) : () => readTable(db!);
    this.table = new ReloadableTable<DsData>(
      file || "dispatcher",
      async (current) => {
        const { entries, issues } = await read();
        const dests = await buildDests(entries, issues);
        const data = buildSets(dests);
        this.#carryState(current, data);
        return { data, size: dests.length, issues };
      },
      EMPTY_DS,
    );
  }

  get thresholds(): Thresholds {
    return { probing: this.params.ds_probing_threshold, inactive: this.params.ds_inactive_threshold };
  }

  /** First load at start; the same as reload(). */
  load(): Promise<ReloadReport> {
    return this.table.reload();
  }

  /** Re-reads the table (or list file); on failure the sets in use stay and ReloadError is thrown. */
  reload(): Promise<ReloadReport> {
    return this.table.reload();
  }

  /** The sets in use (read-only view for listings). */
  get sets(): ReadonlyMap<number, DsSet> {
    return this.table.data.sets;
  }

  /** ds_list_exists(setid). */
  listExists(setid: number): boolean {
    return this.table.data.sets.has(setid);
  }

  /**
   * ds_select_dst(setid, alg[, limit]): the destination to use and, with failover on, the others in
   * failover order; null when the set is unknown, every destination is down, or the key the
   * algorithm hashes is missing. Algorithm 10 counts the call (by Call-ID) on the chosen destination.
   */
  select(setid: number, alg: number, keys: SelectKeys, opts: { limit?: number } = {}): DsSelection | null {
    const set = this.table.data.sets.get(setid);
    if (!set) return null;
    return selectDst(set, alg, keys, {
      flags: this.params.flags,
      useDefault: this.params.use_default !== 0,
      limit: opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY,
      load: this.callLoad,
    });
  }

  /** The destination of the selection in use. */
  current(sel: DsSelection): DsTarget | null {
    return sel.targets[sel.index] ?? null;
  }

  /**
   * ds_next_dst(): moves the selection to the next destination and returns it, null when there is
   * none (or failover is off). For algorithm 10 the call's load moves along.
   */
  next(sel: DsSelection): DsTarget | null {
    while (++sel.index < sel.targets.length) {
      const t = sel.targets[sel.index];
      if (sel.alg !== DS_ALG_CALLLOAD || !sel.callId || !t.duid) return t;
      if (this.callLoad.replace(sel.callId, t.setid, t.duid)) return t;
    }
    return null;
  }

  /**
   * ds_mark_dst([state]): marks the destination in use, by default inactive (and probing in
   * ds_probing_mode 1), immediately, without thresholds. State letters as Kamailio: a i d t p.
   */
  markDst(sel: DsSelection, state?: string): boolean {
    const t = this.current(sel);
    return t ? this.markAddr(state ?? "", t.setid, t.uri) : false;
  }

  /** ds_mark_addr(state, setid, uri); an empty state means ds_mark_dst()'s default. */
  markAddr(state: string, setid: number, uri: string): boolean {
    const flags =
      state === ""
        ? DS_INACTIVE_DST | (this.params.ds_probing_mode === DS_PROBE_ALL ? DS_PROBING_DST : 0)
        : parseMarkState(state);
    const found = this.#find(setid, uri);
    if (flags < 0 || !found) return false;
    this.#emit(found.set, found.dest, updateState(found.set, found.dest, flags, 1, this.thresholds));
    return true;
  }

  /** ds_is_active(setid[, uri]): whether the set has a destination in use (or that one is in use). */
  isActive(setid: number, uri?: string): boolean {
    const set = this.table.data.sets.get(setid);
    return !!set?.dests.some((d) => !skipDst(d.flags) && (uri === undefined || d.uri === uri));
  }

  /**
   * ds_is_from_list([setid[, mode]]): the set and destination whose address is `ip`. The port must
   * match unless the destination URI has none (or mode has DS_MATCH_NOPORT); the transport only
   * without DS_MATCH_NOPROTO (set by default, as in Kamailio); DS_MATCH_ACTIVE skips unused ones.
   * Destinations given by host name match the address they resolved to when loaded.
   */
  isFromList(
    ip: string,
    port: number,
    opts: { setid?: number; proto?: string | number; mode?: number } = {},
  ): { setid: number; uri: string; attrs: string } | null {
    const addr = parseIp(ip);
    if (!addr) return null;
    const mode = opts.mode ?? DS_MATCH_NOPROTO;
    const proto =
      typeof opts.proto === "string" ? (PROTO_IDS[opts.proto.toLowerCase()] ?? 0) : (opts.proto ?? 0);
    const all = this.table.data.sets;
    const sets = opts.setid === undefined || opts.setid < 0 ? all.values() : [all.get(opts.setid)];
    for (const set of sets) {
      for (const d of set?.dests ?? []) {
        if (!d.ip || !ipEquals(addr, d.ip)) continue;
        if (!(mode & DS_MATCH_NOPORT) && d.port !== 0 && d.port !== port) continue;
        if (!(mode & DS_MATCH_NOPROTO) && d.proto !== proto) continue;
        if (mode & DS_MATCH_ACTIVE && skipDst(d.flags)) continue;
        return { setid: d.setid, uri: d.uri, attrs: d.attrs.body };
      }
    }
    return null;
  }

  /** ds_load_unset(): the call routed by algorithm 10 ended or failed. */
  loadUnset(callId: string): boolean {
    return this.callLoad.remove(callId);
  }

  /**
   * ds_load_update(): a BYE or CANCEL request ends the call; a 2xx reply to the INVITE confirms it
   * (an unconfirmed call stops counting after ds_hash_initexpire).
   */
  loadUpdate(callId: string, ev: { request?: string; replyCode?: number; cseqMethod?: string }): boolean {
    const req = ev.request?.toUpperCase();
    if (req === "BYE" || req === "CANCEL") return this.callLoad.remove(callId);
    if (
      ev.cseqMethod?.toUpperCase() === "INVITE" &&
      ev.replyCode !== undefined &&
      Math.floor(ev.replyCode / 100) === 2
    ) {
      return this.callLoad.confirm(callId);
    }
    return false;
  }

  /**
   * dispatcher.set_state: state a/i/d/t (or 1/0/2/3) + optional "p", for one URI or "all" of a set.
   * Returns false when the destination is unknown or the state invalid.
   */
  setState(state: string, setid: number, uri: string): boolean {
    const flags = parseRpcState(state);
    if (flags < 0) return false;
    const set = this.table.data.sets.get(setid);
    if (uri === "all") {
      for (const d of set?.dests ?? []) this.#emit(set!, d, setState(set!, d, flags));
      return true;
    }
    const found = this.#find(setid, uri);
    if (!found) return false;
    this.#emit(found.set, found.dest, setState(found.set, found.dest, flags));
    return true;
  }

  /** dispatcher.add: a destination in memory only (the next reload drops it). */
  async add(setid: number, uri: string, flags = 0, priority = 0, attrs = ""): Promise<void> {
    const issues: LoadIssue[] = [];
    const [dest] = await buildDests([{ setid, uri, flags, priority, attrs, ref: "rpc" }], issues, true);
    this.#rebuild([...this.table.data.dests, dest]);
  }

  /** dispatcher.remove: drops a destination (exact set and URI) from memory. */
  remove(setid: number, uri: string): void {
    this.#rebuild(this.table.data.dests.filter((d) => !(d.setid === setid && d.uri === uri)));
  }

  /**
   * Starts the probe timer (every ds_ping_interval s, if > 0) and the call-load sweep. `send` does
   * one OPTIONS (ds_ping_method) request and resolves with the final status code: 408 on timeout;
   * a rejection counts as a failed probe.
   */
  startProbing(send: SendOptions): void {
    this.stop();
    this.#send = send;
    if (this.params.ds_ping_interval > 0) {
      this.#pingTimer = setInterval(() => void this.pingOnce(), this.params.ds_ping_interval * 1000);
      this.#pingTimer.unref();
    }
    this.#loadTimer = setInterval(() => this.callLoad.expire(), this.params.ds_hash_check_interval * 1000);
    this.#loadTimer.unref();
  }

  stop(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#loadTimer) clearInterval(this.#loadTimer);
    this.#pingTimer = this.#loadTimer = null;
  }

  /**
   * One probe round (what the timer runs): probes every destination the probing mode asks for,
   * skipping one whose previous probe is still pending, and applies the results.
   */
  async pingOnce(): Promise<void> {
    const send = this.#send;
    if (!send || this.pingActive === 0) return;
    const jobs: Promise<void>[] = [];
    for (const set of this.table.data.sets.values()) {
      for (const d of set.dests) {
        if (!wantsPing(d, this.params.ds_probing_mode) || this.#inFlight.has(d)) continue;
        jobs.push(this.#ping(send, d));
      }
    }
    await Promise.all(jobs);
  }

  registerRpc(registry: RpcRegistry): void {
    registerDispatcherRpc(registry, this);
  }

  async #ping(send: SendOptions, d: DsDest): Promise<void> {
    this.#inFlight.add(d);
    let code: number;
    try {
      code = await send(d.uri, {
        method: this.params.ds_ping_method,
        from: d.attrs.pingFrom || this.params.ds_ping_from,
        setid: d.setid,
        obproxy: d.attrs.obproxy || this.params.outbound_proxy,
        socket: d.attrs.socket,
        sockname: d.attrs.sockname,
      });
    } catch {
      code = 500; // Kamailio: "Sending keepalive failed"
    } finally {
      this.#inFlight.delete(d);
    }
    // A reload may have replaced the destination meanwhile: apply to the one in use, like Kamailio.
    const found = this.#find(d.setid, d.uri);
    if (!found) return;
    const change = probeResult(
      found.set,
      found.dest,
      this.#acceptReply(code),
      this.params.ds_probing_mode,
      this.thresholds,
    );
    this.#emit(found.set, found.dest, change, code);
  }

  #find(setid: number, uri: string): { set: DsSet; dest: DsDest } | null {
    const set = this.table.data.sets.get(setid);
    const dest = set?.dests.find((x) => sameUri(x.uri, uri));
    return set && dest ? { set, dest } : null;
  }

  #emit(set: DsSet, d: DsDest, change: StateChange, code?: number): void {
    if (change) this.#onStateChange?.({ setid: set.id, uri: d.uri, change, code });
  }

  #rebuild(dests: DsDest[]): void {
    const data = buildSets(dests);
    this.callLoad.recount(data);
    this.table.replace(data, dests.length);
  }

  /** Keeps the runtime state of destinations still configured the same way; recounts call load. */
  #carryState(prev: DsData, next: DsData): void {
    for (const set of next.sets.values()) {
      for (const d of set.dests) {
        const old = prev.sets.get(set.id)?.dests.find((x) => sameUri(x.uri, d.uri));
        if (old && old.configFlags === d.configFlags) {
          d.flags = old.flags;
          d.probingCount = old.probingCount;
        }
      }
      initRelativeWeights(set);
    }
    this.callLoad.recount(next);
  }
}

async function readTable(db: Db): Promise<{ entries: DsConfigEntry[]; issues: LoadIssue[] }> {
  const t = schema.dispatcher;
  const rows = await db
    .select({
      id: t.id,
      setid: t.setid,
      uri: t.destination,
      flags: t.flags,
      priority: t.priority,
      attrs: t.attrs,
    })
    .from(t)
    .orderBy(asc(t.id));
  return { entries: rows.map((r) => ({ ...r, ref: r.id })), issues: [] };
}

async function readListFile(path: string): Promise<{ entries: DsConfigEntry[]; issues: LoadIssue[] }> {
  return parseListFile(await readFile(path, "utf8"));
}

/**
 * pack_dest() for every entry: bad URIs are reported and skipped (Kamailio's default ds_load_mode),
 * host names are resolved (unless flag 16) so ds_is_from_list can match them; a name that does not
 * resolve is reported and the destination kept for routing. With `strict`, the first problem throws.
 */
async function buildDests(entries: DsConfigEntry[], issues: LoadIssue[], strict = false): Promise<DsDest[]> {
  const dests: DsDest[] = [];
  for (const e of entries) {
    try {
      dests.push(packDest(e, issues));
    } catch (err) {
      if (strict) throw err;
      issues.push({ id: e.ref, message: `set ${e.setid}: ${(err as Error).message} - skipped` });
    }
  }
  await Promise.all(
    dests.map(async (d) => {
      if (d.ip || d.configFlags & DS_NODNSARES_DST || !d.host) return;
      try {
        d.ip = parseIp((await lookup(d.host)).address);
      } catch {
        issues.push({ message: `set ${d.setid}: could not resolve ${d.host} (${d.uri})` });
      }
    }),
  );
  return dests;
}
