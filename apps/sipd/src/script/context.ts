/**
 * The per-request `Ksr` object: Kamailio's KEMI functions bound to one SIP request, its server
 * transaction and (once created) its tm cell. Module state lives in the modules; this file only
 * maps the message to their plain inputs and their answers back onto the message.
 */
import { flagMask } from "@switchboard/modules/acc";
import { consumeCredentials } from "@switchboard/modules/auth";
import type { DsSelection } from "@switchboard/modules/dispatcher";
import { type ContactQueue, loadContacts, nextContacts, receivedUri } from "@switchboard/modules/registrar";
import { looseRoute, recordRoute, rrUri } from "@switchboard/modules/rr";
import type { BranchTarget, Cell } from "@switchboard/modules/tm";
import {
  applyReceived,
  type HeaderField,
  parseNameAddr,
  parseUri,
  type ServerTransaction,
  type SipRequest,
  type Uri,
} from "@switchboard/sip";
import type { SipdCore } from "../server.ts";
import type { Ksr, KsrPv } from "./ksr.ts";

const PRIVATE_V4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

function uriUser(u: Uri | undefined): string | null {
  return u?.user ? decodeURIComponent(u.user) : null;
}

export class KsrContext implements Ksr {
  readonly pv: KsrPv;
  msgFlags = 0;
  branchFlags = 0;
  dstUri: string | null = null;
  readonly appended: BranchTarget[] = [];
  path = "";
  routes: { failure?: string; reply?: string; branch?: string } = {};
  authUser: string | null = null;
  credentials?: HeaderField;
  staleNonce = false;
  rrParams = "";
  dsSel: DsSelection | null = null;
  contactQueue?: ContactQueue;
  /** q of the R-URI branch (lookup), for t_load_contacts. */
  ruriQ = 1;
  /** fix_nated_register(): the received URI registrar save() stores. */
  received = "";
  /** The failure route's reply status (t_check_status). */
  failureStatus = 0;

  constructor(
    readonly core: SipdCore,
    readonly msg: SipRequest,
    readonly tx: ServerTransaction | undefined,
    public cell?: Cell,
  ) {
    this.pv = new MsgPv(this, cell?.vars ?? new Map<string, unknown>());
    if (cell) this.msgFlags = cell.flags;
  }

  // ---- KEMI groups: small objects with prototype methods, created on first use -------------

  private _sl?: SlApi;
  get sl(): SlApi {
    if (!this._sl) this._sl = new SlApi(this);
    return this._sl;
  }

  private _tm?: TmApi;
  get tm(): TmApi {
    if (!this._tm) this._tm = new TmApi(this);
    return this._tm;
  }

  private _maxfwd?: MaxfwdApi;
  get maxfwd(): MaxfwdApi {
    if (!this._maxfwd) this._maxfwd = new MaxfwdApi(this);
    return this._maxfwd;
  }

  private _sanity?: SanityApi;
  get sanity(): SanityApi {
    if (!this._sanity) this._sanity = new SanityApi(this);
    return this._sanity;
  }

  private _rr?: RrApi;
  get rr(): RrApi {
    if (!this._rr) this._rr = new RrApi(this);
    return this._rr;
  }

  private _registrar?: RegistrarApi;
  get registrar(): RegistrarApi {
    if (!this._registrar) this._registrar = new RegistrarApi(this);
    return this._registrar;
  }

  private _auth?: AuthApi;
  get auth(): AuthApi {
    if (!this._auth) this._auth = new AuthApi(this);
    return this._auth;
  }

  private _nathelper?: NathelperApi;
  get nathelper(): NathelperApi {
    if (!this._nathelper) this._nathelper = new NathelperApi(this);
    return this._nathelper;
  }

  private _permissions?: PermissionsApi;
  get permissions(): PermissionsApi {
    if (!this._permissions) this._permissions = new PermissionsApi(this);
    return this._permissions;
  }

  private _pike?: PikeApi;
  get pike(): PikeApi {
    if (!this._pike) this._pike = new PikeApi(this);
    return this._pike;
  }

  private _htable?: HtableApi;
  get htable(): HtableApi {
    if (!this._htable) this._htable = new HtableApi(this);
    return this._htable;
  }

  private _alias_db?: AliasDbApi;
  get alias_db(): AliasDbApi {
    if (!this._alias_db) this._alias_db = new AliasDbApi(this);
    return this._alias_db;
  }

  private _speeddial?: SpeeddialApi;
  get speeddial(): SpeeddialApi {
    if (!this._speeddial) this._speeddial = new SpeeddialApi(this);
    return this._speeddial;
  }

  private _group?: GroupApi;
  get group(): GroupApi {
    if (!this._group) this._group = new GroupApi(this);
    return this._group;
  }

  private _domain?: DomainApi;
  get domain(): DomainApi {
    if (!this._domain) this._domain = new DomainApi(this);
    return this._domain;
  }

  private _dialplan?: DialplanApi;
  get dialplan(): DialplanApi {
    if (!this._dialplan) this._dialplan = new DialplanApi(this);
    return this._dialplan;
  }

  private _dispatcher?: DispatcherApi;
  get dispatcher(): DispatcherApi {
    if (!this._dispatcher) this._dispatcher = new DispatcherApi(this);
    return this._dispatcher;
  }

  is_method(methods: string): boolean {
    const m = this.msg.method;
    if (methods === m) return true;
    return methods.split("|").includes(m);
  }

  has_totag(): boolean {
    return this.msg.toTag !== undefined;
  }

  setflag(flag: number): void {
    this.msgFlags |= flagMask(flag);
    if (this.cell) this.cell.flags = this.msgFlags;
  }
  resetflag(flag: number): void {
    this.msgFlags &= ~flagMask(flag);
    if (this.cell) this.cell.flags = this.msgFlags;
  }
  isflagset(flag: number): boolean {
    return (this.msgFlags & flagMask(flag)) !== 0;
  }
  setbflag(flag: number): void {
    this.branchFlags |= flagMask(flag);
  }

  is_myself(uri?: string): boolean {
    try {
      return this.core.isMyself(uri ? parseUri(uri) : this.msg.ruri);
    } catch {
      return false;
    }
  }

  from_uri_is_myself(): boolean {
    return this.core.isMyself(this.msg.from.uri);
  }

  append_hf(header: string): void {
    const i = header.indexOf(":");
    if (i > 0) this.msg.append(header.slice(0, i).trim(), header.slice(i + 1).trim());
  }

  remove_hf(name: string): number {
    return this.msg.remove(name);
  }

  log(
    level: "debug" | "info" | "notice" | "warn" | "error",
    event: string,
    fields: Record<string, unknown> = {},
  ) {
    this.core.log.log(level, event, { callid: this.msg.callId, ...fields });
  }

  // ---- replies and the tm cell ------------------------------------------------------------------

  /** A reply on the request's server transaction (through tm when the cell exists). */
  reply(code: number, reason: string, headers?: ReadonlyArray<readonly [string, string]>): void {
    if (this.cell) {
      this.core.tm.reply(this.cell, code, reason, headers);
      return;
    }
    if (!this.tx) return; // an ACK has no reply
    this.tx.reply(code, reason, { headers });
    this.core.countSlReply(code);
    // Kamailio's sl keeps no state: a final reply without a tm cell ends the server transaction at
    // once, so a retransmitted request is routed again (same answer from registrar and auth) and the
    // ACK of a statelessly answered INVITE finds no transaction (the script drops it).
    if (code >= 200) this.tx.terminate();
  }

  ensureCell(): Cell | undefined {
    if (this.cell) return this.cell;
    // No transaction, or it already ended with a stateless reply: nothing left to make stateful.
    if (!this.tx || this.tx.state === "Terminated") return undefined;
    const cell = this.core.tm.cellFor(this.msg, this.tx);
    cell.flags = this.msgFlags;
    for (const [k, v] of this.pv.vars) cell.vars.set(k, v);
    this.cell = cell;
    this.core.cellContexts.set(cell, this);
    return cell;
  }

  relayCancel(): boolean {
    const invite = this.core.transactions.findInviteForCancel(this.msg);
    this.tx?.reply(200, "OK");
    if (!invite) return false;
    const cell = this.core.tm.findCell(invite);
    if (cell) this.core.tm.cancel(cell);
    else invite.reply(487, "Request Terminated");
    return true;
  }

  dsSelect(set: number, alg: number, domain: boolean): boolean {
    const ds = this.core.modules.db?.dispatcher;
    if (!ds) return false;
    const m = this.msg;
    const sel = ds.select(set, alg, {
      callId: m.callId,
      fromUri: m.from.uri.toString(),
      toUri: m.to.uri.toString(),
      ruri: m.uri,
      authUser: this.authUser ?? undefined,
      method: m.method,
    });
    const t = sel ? ds.current(sel) : null;
    if (!sel || !t) return false;
    this.dsSel = sel;
    this.pv.vars.set("$ds", sel);
    if (domain) {
      const target = parseUri(t.uri);
      const u = m.ruri.clone();
      u.host = target.host;
      u.port = target.port;
      m.ruri = u;
    } else this.dstUri = t.uri;
    return true;
  }

  cfg_get(group: string, name: string): string | number {
    return this.core.modules.cfg.get(group, name) as string | number;
  }
}

// ---- KEMI groups ----------------------------------------------------------------------------------

class SlApi {
  constructor(private readonly k: KsrContext) {}

  send_reply(code: number, reason: string, headers?: [string, string][]) {
    return this.k.reply(code, reason, headers);
  }

  sl_reply_error() {
    return this.k.reply(500, "Server Internal Error");
  }
}

class TmApi {
  constructor(private readonly k: KsrContext) {}

  async t_relay(): Promise<boolean> {
    const m = this.k.msg;
    if (m.method === "CANCEL") return this.k.relayCancel();
    if (!this.k.tx) {
      const ok = await this.k.core.tm.forwardStateless(m, this.k.dstUri);
      if (ok) this.k.core.transport.counters.fwd_requests++;
      return ok;
    }
    const cell = this.k.ensureCell();
    if (!cell) return false;
    if (this.k.routes.failure) cell.onFailure = this.k.routes.failure;
    if (this.k.routes.reply) cell.onReply = this.k.routes.reply;
    if (this.k.routes.branch) cell.onBranch = this.k.routes.branch;
    cell.flags = this.k.msgFlags;
    const targets: BranchTarget[] = [
      { uri: m.uri, dstUri: this.k.dstUri ?? undefined, path: this.k.path || undefined },
      ...this.k.appended.splice(0),
    ];
    const ok = await this.k.core.tm.relay(cell, targets);
    if (ok) this.k.core.transport.counters.fwd_requests += targets.length;
    return ok;
  }

  t_check_trans(): boolean {
    if (this.k.msg.method === "CANCEL")
      return this.k.core.transactions.findInviteForCancel(this.k.msg) !== undefined;
    return false; // retransmissions are absorbed by the transaction layer before the script runs
  }

  t_precheck_trans(): boolean {
    return false;
  }

  t_newtran(): boolean {
    return this.k.ensureCell() !== undefined;
  }

  t_reply(code: number, reason: string) {
    const cell = this.k.ensureCell();
    if (cell) this.k.core.tm.reply(cell, code, reason);
  }

  t_on_failure(name: string) {
    this.k.routes.failure = name;
    if (this.k.cell) this.k.cell.onFailure = name;
  }

  t_on_reply(name: string) {
    this.k.routes.reply = name;
    if (this.k.cell) this.k.cell.onReply = name;
  }

  t_on_branch(name: string) {
    this.k.routes.branch = name;
    if (this.k.cell) this.k.cell.onBranch = name;
  }

  t_is_set(what: "failure_route" | "onreply_route" | "branch_route"): boolean {
    const r = this.k.cell ?? this.k.routes;
    if (what === "failure_route") return Boolean("onFailure" in r ? r.onFailure : this.k.routes.failure);
    if (what === "onreply_route") return Boolean("onReply" in r ? r.onReply : this.k.routes.reply);
    return Boolean("onBranch" in r ? r.onBranch : this.k.routes.branch);
  }

  t_load_contacts(): boolean {
    const all = [
      { uri: this.k.msg.uri, dstUri: this.k.dstUri ?? "", path: this.k.path, q: this.k.ruriQ },
      ...this.k.appended
        .splice(0)
        .map((b) => ({ uri: b.uri, dstUri: b.dstUri ?? "", path: b.path ?? "", q: b.q ?? 1 })),
    ];
    if (all.length < 2) return true;
    this.k.contactQueue = loadContacts(
      all.map((b) => ({
        ...b,
        flags: 0,
        socket: "",
        received: "",
        instance: "",
        regId: 0,
        ruid: "",
        userAgent: "",
        connectionId: -1,
      })),
    );
    if (this.k.cell) this.k.cell.vars.set("$contacts", this.k.contactQueue);
    return true;
  }

  t_next_contacts(): boolean {
    const queue = this.k.contactQueue ?? (this.k.cell?.vars.get("$contacts") as ContactQueue | undefined);
    if (!queue) return false;
    const group = nextContacts(queue);
    if (!group || group.length === 0) return false;
    const [first, ...rest] = group;
    this.k.msg.uri = first.uri;
    this.k.dstUri = first.dstUri || null;
    this.k.path = first.path;
    for (const b of rest)
      this.k.appended.push({ uri: b.uri, dstUri: b.dstUri || undefined, path: b.path || undefined, q: b.q });
    return true;
  }

  t_is_canceled(): boolean {
    return this.k.cell?.canceled ?? false;
  }

  t_check_status(re: string): boolean {
    return new RegExp(`^(${re})$`).test(String(this.k.failureStatus));
  }

  append_branch(uri?: string, q?: number) {
    this.k.appended.push({
      uri: uri ?? this.k.msg.uri,
      dstUri: uri ? undefined : (this.k.dstUri ?? undefined),
      q,
    });
  }
}

class MaxfwdApi {
  constructor(private readonly k: KsrContext) {}

  /** mf_process_maxfwd_header(limit): -1 when it reached 0 (reply 483), else decremented. */
  process_maxfwd(limit: number): number {
    let mf: number | undefined;
    try {
      mf = this.k.msg.maxForwards;
    } catch {
      return -2;
    }
    if (mf === undefined) {
      this.k.msg.set("Max-Forwards", String(limit));
      return 2;
    }
    if (mf === 0) return -1;
    this.k.msg.set("Max-Forwards", String(Math.min(mf - 1, limit)));
    return 1;
  }
}

class SanityApi {
  constructor(private readonly k: KsrContext) {}

  /** sanity_check(): R-URI, CSeq method, From/To/Call-ID/Via present; replies 400 itself. */
  sanity_check(): boolean {
    const m = this.k.msg;
    let reason = "";
    try {
      if (!m.ruri) reason = "Bad Request-URI";
      else if (m.cseq.method !== m.method) reason = "CSeq method does not match request method";
      else if (!m.callId) reason = "Missing Call-ID";
      else if (!m.via) reason = "Missing Via";
      else if (!m.from.uri.host || !m.to.uri) reason = "Bad From or To";
    } catch (e) {
      reason = (e as Error).message || "Malformed message";
    }
    if (!reason) return true;
    if (this.k.msg.method !== "ACK") this.k.reply(400, reason);
    return false;
  }
}

class RrApi {
  constructor(private readonly k: KsrContext) {}

  loose_route(): boolean {
    return looseRoute(this.k.msg, (u) => this.k.core.isMyself(u));
  }

  record_route(params?: string) {
    const src = this.k.msg.source;
    const own = this.k.core.advertisedFor(src?.localSocket);
    if (!own) return;
    recordRoute(this.k.msg, rrUri(own.host, own.port, own.proto, (params ?? "") + this.k.rrParams));
  }

  add_rr_param(param: string) {
    this.k.rrParams += param.startsWith(";") ? param : `;${param}`;
  }

  check_route_param(param: string): boolean {
    const [name, value] = param.split("=");
    for (const r of this.k.msg.routes()) {
      if (!this.k.core.isMyself(r.uri)) continue;
      const v = r.uri.params.get(name);
      if (v !== undefined && (value === undefined || v === value)) return true;
    }
    return false;
  }
}

class RegistrarApi {
  constructor(private readonly k: KsrContext) {}

  async save(table: string, flags = 0): Promise<number> {
    const m = this.k.msg;
    const contacts = m.contacts();
    const res = await this.k.core.modules.registrar.save(
      {
        toUser: m.to.uri.user ?? "",
        toDomain: m.to.uri.host,
        callId: m.callId,
        cseq: m.cseq.seq,
        expires: m.get("expires"),
        contacts:
          contacts === "*"
            ? [{ uri: "*" }]
            : contacts.map((c) => ({ uri: c.uri.toString(), params: Object.fromEntries(c.params.list) })),
        path: m.getAll("path"),
        supported: m.getAll("supported"),
        allow: m.has("allow") ? m.getAll("allow") : undefined,
        userAgent: m.get("user-agent"),
        received: this.k.received,
        socket: m.source?.localSocket,
        connectionId: m.source?.connectionId,
        cflags: this.k.branchFlags,
      },
      table,
      flags,
    );
    this.k.reply(
      res.status,
      res.reason,
      res.headers.map((h) => [h.name, h.value] as const),
    );
    return res.code;
  }

  async lookup(table: string): Promise<number> {
    const r = await this.k.core.modules.registrar.lookup(
      { user: this.k.pv.rU ?? "", domain: this.k.pv.rd, method: this.k.msg.method },
      table,
    );
    if (r.code < 0 || r.branches.length === 0) return r.code < 0 ? r.code : -1;
    const [first, ...rest] = r.branches;
    this.k.msg.uri = first.uri;
    this.k.dstUri = first.dstUri || null;
    this.k.path = first.path;
    this.k.ruriQ = first.q;
    for (const b of rest)
      this.k.appended.push({ uri: b.uri, dstUri: b.dstUri || undefined, path: b.path || undefined, q: b.q });
    return r.code;
  }
}

class AuthApi {
  constructor(private readonly k: KsrContext) {}

  async auth_check(realm: string, table: string, flags: number): Promise<number> {
    const authDb = this.k.core.modules.db?.authDb;
    if (!authDb) return -1;
    const m = this.k.msg;
    const r = await authDb.auth_check(
      {
        method: m.method,
        headers: m.headers,
        body: m.body,
        fromUser: m.from.uri.user ?? undefined,
        fromDomain: m.from.uri.host,
        toUser: m.to.uri.user ?? undefined,
        toDomain: m.to.uri.host,
        ruriUser: m.ruri.user ?? undefined,
        ruriDomain: m.ruri.host,
      },
      realm,
      table,
      flags,
    );
    this.k.credentials = r.header;
    this.k.staleNonce = r.code === -4;
    if (r.code > 0) this.k.authUser = r.user ?? null;
    return r.code;
  }

  auth_challenge(realm: string, flags: number) {
    const ch = this.k.core.modules.auth.auth_challenge(
      this.k.msg.method,
      realm,
      flags | 1 | (this.k.staleNonce ? 16 : 0),
    );
    this.k.reply(
      ch.status,
      ch.reason,
      ch.headers.map((h) => [h.name, h.value] as const),
    );
  }

  consume_credentials() {
    this.k.msg.headers = consumeCredentials(this.k.msg.headers, this.k.credentials);
  }
}

class NathelperApi {
  constructor(private readonly k: KsrContext) {}

  force_rport() {
    const src = this.k.msg.source;
    if (src) applyReceived(this.k.msg, src.ip, src.port, { forceRport: true });
  }

  /** nat_uac_test(flags): 1 private Contact, 2 Via host != source, 16 Via port != source port. */
  nat_uac_test(flags: number): boolean {
    const src = this.k.msg.source;
    const via = this.k.msg.via;
    if (!src || !via) return false;
    if (flags & 2 && via.host.replace(/^\[|\]$/g, "") !== src.ip) return true;
    if (flags & 16 && (via.port ?? 5060) !== src.port) return true;
    if (flags & 1) {
      const c = this.k.msg.contacts();
      if (c !== "*" && c.some((n) => PRIVATE_V4.test(n.uri.hostAddress))) return true;
    }
    return false;
  }

  fix_nated_register() {
    const src = this.k.msg.source;
    if (src) this.k.received = receivedUri(src.proto, src.ip, src.port);
  }

  /** set_contact_alias(): ;alias=ip~port~proto on the Contact so in-dialog requests reach the NAT. */
  set_contact_alias() {
    const src = this.k.msg.source;
    const c = this.k.msg.get("contact");
    if (!src || !c || c === "*") return;
    try {
      const na = parseNameAddr(c);
      na.uri.params.set("alias", `${src.ip}~${src.port}~${src.proto === "tcp" ? 2 : 1}`);
      this.k.msg.replaceFirst("contact", na.toString());
    } catch {
      // an unparsable Contact is left as it is
    }
  }

  /** handle_ruri_alias(): an R-URI with ;alias= goes to that address ($du) and loses the parameter. */
  handle_ruri_alias() {
    const alias = this.k.msg.ruri.params.get("alias");
    if (!alias) return;
    const [ip, port, proto] = alias.split("~");
    const u = this.k.msg.ruri.clone();
    u.params.delete("alias");
    this.k.msg.ruri = u;
    this.k.dstUri = `sip:${ip.includes(":") ? `[${ip}]` : ip}:${port}${proto === "2" ? ";transport=tcp" : ""}`;
  }
}

class PermissionsApi {
  constructor(private readonly k: KsrContext) {}

  allow_source_address(group = 1): boolean {
    return (
      this.k.core.modules.db?.permissions.allowSourceAddress(group, this.k.pv.si, this.k.pv.sp).allowed ??
      false
    );
  }

  allow_trusted(): boolean {
    return (
      this.k.core.modules.db?.permissions.allowTrusted(
        this.k.pv.si,
        this.k.pv.proto,
        this.k.pv.fu,
        this.k.pv.ru,
      ).allowed ?? false
    );
  }
}

class PikeApi {
  constructor(private readonly k: KsrContext) {}

  pike_check_req(): boolean {
    return this.k.core.modules.pike.allow(this.k.pv.si);
  }
}

class HtableApi {
  constructor(private readonly k: KsrContext) {}

  sht_get(table: string, key: string): unknown {
    return this.k.core.modules.htable.table(table)?.get(key);
  }

  sht_set(table: string, key: string, value: string | number) {
    this.k.core.modules.htable.table(table)?.set(key, value);
  }
}

class AliasDbApi {
  constructor(private readonly k: KsrContext) {}

  async lookup(_table: string): Promise<boolean> {
    const hit = this.k.core.modules.db?.aliasDb.lookup(this.k.pv.rU ?? "", this.k.pv.rd)[0];
    if (!hit) return false;
    this.k.msg.uri = hit.uri;
    return true;
  }
}

class SpeeddialApi {
  constructor(private readonly k: KsrContext) {}

  async lookup(_table: string): Promise<boolean> {
    const hit = this.k.core.modules.db?.speedDial.lookup(
      this.k.pv.fU ?? "",
      this.k.pv.fd,
      this.k.pv.rU ?? "",
    );
    if (!hit) return false;
    this.k.msg.uri = hit.newUri;
    return true;
  }
}

class GroupApi {
  constructor(private readonly k: KsrContext) {}

  is_user_in(which: "From" | "To" | "Request-URI" | "Credentials", group: string): boolean {
    const g = this.k.core.modules.db?.group;
    if (!g) return false;
    const m = this.k.msg;
    const u =
      which === "From"
        ? m.from.uri
        : which === "To"
          ? m.to.uri
          : which === "Request-URI"
            ? m.ruri
            : undefined;
    const user = u ? (uriUser(u) ?? "") : (this.k.authUser ?? "");
    const domain = u ? u.host : m.from.uri.host;
    return g.isUserIn(user, domain, group);
  }
}

class DomainApi {
  constructor(private readonly k: KsrContext) {}

  is_domain_local(d: string): boolean {
    return this.k.core.modules.db?.domain.isDomainLocal(d) ?? false;
  }
}

class DialplanApi {
  constructor(private readonly k: KsrContext) {}

  dp_translate(dpid: number): boolean {
    const r = this.k.core.modules.db?.dialplan.translate(dpid, this.k.pv.rU ?? "", { uri: this.k.msg.uri });
    if (!r) return false;
    if (r.output) this.k.pv.rU = r.output;
    this.k.pv.vars.set("dp_attrs", r.attrs);
    return true;
  }
}

class DispatcherApi {
  constructor(private readonly k: KsrContext) {}

  ds_select_dst(set: number, alg: number): boolean {
    return this.k.dsSelect(set, alg, false);
  }

  ds_select_domain(set: number, alg: number): boolean {
    return this.k.dsSelect(set, alg, true);
  }

  ds_next_dst(): boolean {
    const ds = this.k.core.modules.db?.dispatcher;
    const sel = this.k.dsSel ?? (this.k.cell?.vars.get("$ds") as DsSelection | undefined) ?? null;
    const t = sel && ds?.next(sel);
    if (!t) return false;
    this.k.dstUri = t.uri;
    return true;
  }

  ds_mark_dst(state?: string): boolean {
    const sel = this.k.dsSel ?? (this.k.cell?.vars.get("$ds") as DsSelection | undefined) ?? null;
    return sel ? (this.k.core.modules.db?.dispatcher.markDst(sel, state) ?? false) : false;
  }

  ds_is_from_list(group?: number): boolean {
    return Boolean(
      this.k.core.modules.db?.dispatcher.isFromList(this.k.pv.si, this.k.pv.sp, {
        setid: group,
        proto: this.k.pv.proto,
      }),
    );
  }
}

/** The pseudo-variables of one request: prototype accessors over the message and the context. */
class MsgPv implements KsrPv {
  constructor(
    private readonly k: KsrContext,
    readonly vars: Map<string, unknown>,
  ) {}

  get rm(): string {
    return this.k.msg.method;
  }
  get ru(): string {
    return this.k.msg.uri;
  }
  set ru(v: string) {
    this.k.msg.uri = v;
  }
  get rU(): string | null {
    return uriUser(this.k.msg.ruri);
  }
  set rU(v: string | null) {
    const m = this.k.msg;
    const u = m.ruri.clone();
    u.user = v;
    m.ruri = u;
  }
  get rd(): string {
    return this.k.msg.ruri.host;
  }
  set rd(v: string) {
    const m = this.k.msg;
    const u = m.ruri.clone();
    u.host = v;
    m.ruri = u;
  }
  get du(): string | null {
    return this.k.dstUri;
  }
  set du(v: string | null) {
    this.k.dstUri = v;
  }
  get fu(): string {
    return this.k.msg.from.uri.toString();
  }
  get fU(): string | null {
    return uriUser(this.k.msg.from.uri);
  }
  get fd(): string {
    return this.k.msg.from.uri.host;
  }
  get tu(): string {
    return this.k.msg.to.uri.toString();
  }
  get tU(): string | null {
    return uriUser(this.k.msg.to.uri);
  }
  get td(): string {
    return this.k.msg.to.uri.host;
  }
  get si(): string {
    return this.k.msg.source?.ip ?? "";
  }
  get sp(): number {
    return this.k.msg.source?.port ?? 0;
  }
  get proto(): string {
    return this.k.msg.source?.proto ?? "udp";
  }
  get ua(): string {
    return this.k.msg.get("user-agent") ?? "";
  }
  get ci(): string {
    return this.k.msg.callId;
  }
  get au(): string | null {
    return this.k.authUser;
  }
}
