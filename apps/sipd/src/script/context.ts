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
  private msgFlags = 0;
  private branchFlags = 0;
  private dstUri: string | null = null;
  private readonly appended: BranchTarget[] = [];
  private path = "";
  private routes: { failure?: string; reply?: string; branch?: string } = {};
  private authUser: string | null = null;
  private credentials?: HeaderField;
  private staleNonce = false;
  private rrParams = "";
  private dsSel: DsSelection | null = null;
  private contactQueue?: ContactQueue;
  /** The failure route's reply status (t_check_status). */
  failureStatus = 0;

  constructor(
    private readonly core: SipdCore,
    readonly msg: SipRequest,
    readonly tx: ServerTransaction | undefined,
    public cell?: Cell,
  ) {
    this.pv = this.makePv();
    if (cell) this.msgFlags = cell.flags;
  }

  // ---- pseudo-variables ------------------------------------------------------------------------

  private makePv(): KsrPv {
    const ctx = this;
    const m = this.msg;
    const src = m.source;
    const vars = this.cell?.vars ?? new Map<string, unknown>();
    return {
      get rm() {
        return m.method;
      },
      get ru() {
        return m.uri;
      },
      set ru(v: string) {
        m.uri = v;
      },
      get rU() {
        return uriUser(m.ruri);
      },
      set rU(v: string | null) {
        const u = m.ruri.clone();
        u.user = v;
        m.ruri = u;
      },
      get rd() {
        return m.ruri.host;
      },
      set rd(v: string) {
        const u = m.ruri.clone();
        u.host = v;
        m.ruri = u;
      },
      get du() {
        return ctx.dstUri;
      },
      set du(v: string | null) {
        ctx.dstUri = v;
      },
      get fu() {
        return m.from.uri.toString();
      },
      get fU() {
        return uriUser(m.from.uri);
      },
      get fd() {
        return m.from.uri.host;
      },
      get tu() {
        return m.to.uri.toString();
      },
      get tU() {
        return uriUser(m.to.uri);
      },
      get td() {
        return m.to.uri.host;
      },
      si: src?.ip ?? "",
      sp: src?.port ?? 0,
      proto: src?.proto ?? "udp",
      get ua() {
        return m.get("user-agent") ?? "";
      },
      get ci() {
        return m.callId;
      },
      get au() {
        return ctx.authUser;
      },
      vars,
    };
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

  // ---- sl / tm ---------------------------------------------------------------------------------

  readonly sl = {
    send_reply: (code: number, reason: string, headers?: [string, string][]) =>
      this.reply(code, reason, headers),
    sl_reply_error: () => this.reply(500, "Server Internal Error"),
  };

  /** A reply on the request's server transaction (through tm when the cell exists). */
  private reply(code: number, reason: string, headers?: ReadonlyArray<readonly [string, string]>): void {
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

  private ensureCell(): Cell | undefined {
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

  readonly tm = {
    t_relay: async (): Promise<boolean> => {
      const m = this.msg;
      if (m.method === "CANCEL") return this.relayCancel();
      if (!this.tx) {
        const ok = await this.core.tm.forwardStateless(m, this.dstUri);
        if (ok) this.core.transport.counters.fwd_requests++;
        return ok;
      }
      const cell = this.ensureCell();
      if (!cell) return false;
      if (this.routes.failure) cell.onFailure = this.routes.failure;
      if (this.routes.reply) cell.onReply = this.routes.reply;
      if (this.routes.branch) cell.onBranch = this.routes.branch;
      cell.flags = this.msgFlags;
      const targets: BranchTarget[] = [
        { uri: m.uri, dstUri: this.dstUri ?? undefined, path: this.path || undefined },
        ...this.appended.splice(0),
      ];
      const ok = await this.core.tm.relay(cell, targets);
      if (ok) this.core.transport.counters.fwd_requests += targets.length;
      return ok;
    },
    t_check_trans: (): boolean => {
      if (this.msg.method === "CANCEL")
        return this.core.transactions.findInviteForCancel(this.msg) !== undefined;
      return false; // retransmissions are absorbed by the transaction layer before the script runs
    },
    t_precheck_trans: (): boolean => false,
    t_newtran: (): boolean => this.ensureCell() !== undefined,
    t_reply: (code: number, reason: string) => {
      const cell = this.ensureCell();
      if (cell) this.core.tm.reply(cell, code, reason);
    },
    t_on_failure: (name: string) => {
      this.routes.failure = name;
      if (this.cell) this.cell.onFailure = name;
    },
    t_on_reply: (name: string) => {
      this.routes.reply = name;
      if (this.cell) this.cell.onReply = name;
    },
    t_on_branch: (name: string) => {
      this.routes.branch = name;
      if (this.cell) this.cell.onBranch = name;
    },
    t_is_set: (what: "failure_route" | "onreply_route" | "branch_route"): boolean => {
      const r = this.cell ?? this.routes;
      if (what === "failure_route") return Boolean("onFailure" in r ? r.onFailure : this.routes.failure);
      if (what === "onreply_route") return Boolean("onReply" in r ? r.onReply : this.routes.reply);
      return Boolean("onBranch" in r ? r.onBranch : this.routes.branch);
    },
    t_load_contacts: (): boolean => {
      const all = [
        { uri: this.msg.uri, dstUri: this.dstUri ?? "", path: this.path, q: this.ruriQ },
        ...this.appended
          .splice(0)
          .map((b) => ({ uri: b.uri, dstUri: b.dstUri ?? "", path: b.path ?? "", q: b.q ?? 1 })),
      ];
      if (all.length < 2) return true;
      this.contactQueue = loadContacts(
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
      if (this.cell) this.cell.vars.set("$contacts", this.contactQueue);
      return true;
    },
    t_next_contacts: (): boolean => {
      const queue = this.contactQueue ?? (this.cell?.vars.get("$contacts") as ContactQueue | undefined);
      if (!queue) return false;
      const group = nextContacts(queue);
      if (!group || group.length === 0) return false;
      const [first, ...rest] = group;
      this.msg.uri = first.uri;
      this.dstUri = first.dstUri || null;
      this.path = first.path;
      for (const b of rest)
        this.appended.push({ uri: b.uri, dstUri: b.dstUri || undefined, path: b.path || undefined, q: b.q });
      return true;
    },
    t_is_canceled: (): boolean => this.cell?.canceled ?? false,
    t_check_status: (re: string): boolean => new RegExp(`^(${re})$`).test(String(this.failureStatus)),
    append_branch: (uri?: string, q?: number) => {
      this.appended.push({
        uri: uri ?? this.msg.uri,
        dstUri: uri ? undefined : (this.dstUri ?? undefined),
        q,
      });
    },
  };

  private ruriQ = 1;

  private relayCancel(): boolean {
    const invite = this.core.transactions.findInviteForCancel(this.msg);
    this.tx?.reply(200, "OK");
    if (!invite) return false;
    const cell = this.core.tm.findCell(invite);
    if (cell) this.core.tm.cancel(cell);
    else invite.reply(487, "Request Terminated");
    return true;
  }

  // ---- hop limit, sanity, record-route ----------------------------------------------------------

  readonly maxfwd = {
    /** mf_process_maxfwd_header(limit): -1 when it reached 0 (reply 483), else decremented. */
    process_maxfwd: (limit: number): number => {
      let mf: number | undefined;
      try {
        mf = this.msg.maxForwards;
      } catch {
        return -2;
      }
      if (mf === undefined) {
        this.msg.set("Max-Forwards", String(limit));
        return 2;
      }
      if (mf === 0) return -1;
      this.msg.set("Max-Forwards", String(Math.min(mf - 1, limit)));
      return 1;
    },
  };

  readonly sanity = {
    /** sanity_check(): R-URI, CSeq method, From/To/Call-ID/Via present; replies 400 itself. */
    sanity_check: (): boolean => {
      const m = this.msg;
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
      if (this.msg.method !== "ACK") this.reply(400, reason);
      return false;
    },
  };

  readonly rr = {
    loose_route: (): boolean => looseRoute(this.msg, (u) => this.core.isMyself(u)),
    record_route: (params?: string) => {
      const src = this.msg.source;
      const own = this.core.advertisedFor(src?.localSocket);
      if (!own) return;
      recordRoute(this.msg, rrUri(own.host, own.port, own.proto, (params ?? "") + this.rrParams));
    },
    add_rr_param: (param: string) => {
      this.rrParams += param.startsWith(";") ? param : `;${param}`;
    },
    check_route_param: (param: string): boolean => {
      const [name, value] = param.split("=");
      for (const r of this.msg.routes()) {
        if (!this.core.isMyself(r.uri)) continue;
        const v = r.uri.params.get(name);
        if (v !== undefined && (value === undefined || v === value)) return true;
      }
      return false;
    },
  };

  // ---- registrar / auth --------------------------------------------------------------------------

  readonly registrar = {
    save: async (table: string, flags = 0): Promise<number> => {
      const m = this.msg;
      const contacts = m.contacts();
      const res = await this.core.modules.registrar.save(
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
          received: this.received,
          socket: m.source?.localSocket,
          connectionId: m.source?.connectionId,
          cflags: this.branchFlags,
        },
        table,
        flags,
      );
      this.reply(
        res.status,
        res.reason,
        res.headers.map((h) => [h.name, h.value] as const),
      );
      return res.code;
    },
    lookup: async (table: string): Promise<number> => {
      const r = await this.core.modules.registrar.lookup(
        { user: this.pv.rU ?? "", domain: this.pv.rd, method: this.msg.method },
        table,
      );
      if (r.code < 0 || r.branches.length === 0) return r.code < 0 ? r.code : -1;
      const [first, ...rest] = r.branches;
      this.msg.uri = first.uri;
      this.dstUri = first.dstUri || null;
      this.path = first.path;
      this.ruriQ = first.q;
      for (const b of rest)
        this.appended.push({ uri: b.uri, dstUri: b.dstUri || undefined, path: b.path || undefined, q: b.q });
      return r.code;
    },
  };

  private received = "";

  readonly auth = {
    auth_check: async (realm: string, table: string, flags: number): Promise<number> => {
      const authDb = this.core.modules.db?.authDb;
      if (!authDb) return -1;
      const m = this.msg;
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
      this.credentials = r.header;
      this.staleNonce = r.code === -4;
      if (r.code > 0) this.authUser = r.user ?? null;
      return r.code;
    },
    auth_challenge: (realm: string, flags: number) => {
      const ch = this.core.modules.auth.auth_challenge(
        this.msg.method,
        realm,
        flags | 1 | (this.staleNonce ? 16 : 0),
      );
      this.reply(
        ch.status,
        ch.reason,
        ch.headers.map((h) => [h.name, h.value] as const),
      );
    },
    consume_credentials: () => {
      this.msg.headers = consumeCredentials(this.msg.headers, this.credentials);
    },
  };

  // ---- NAT ---------------------------------------------------------------------------------------

  readonly nathelper = {
    force_rport: () => {
      const src = this.msg.source;
      if (src) applyReceived(this.msg, src.ip, src.port, { forceRport: true });
    },
    /** nat_uac_test(flags): 1 private Contact, 2 Via host != source, 16 Via port != source port. */
    nat_uac_test: (flags: number): boolean => {
      const src = this.msg.source;
      const via = this.msg.via;
      if (!src || !via) return false;
      if (flags & 2 && via.host.replace(/^\[|\]$/g, "") !== src.ip) return true;
      if (flags & 16 && (via.port ?? 5060) !== src.port) return true;
      if (flags & 1) {
        const c = this.msg.contacts();
        if (c !== "*" && c.some((n) => PRIVATE_V4.test(n.uri.hostAddress))) return true;
      }
      return false;
    },
    fix_nated_register: () => {
      const src = this.msg.source;
      if (src) this.received = receivedUri(src.proto, src.ip, src.port);
    },
    /** set_contact_alias(): ;alias=ip~port~proto on the Contact so in-dialog requests reach the NAT. */
    set_contact_alias: () => {
      const src = this.msg.source;
      const c = this.msg.get("contact");
      if (!src || !c || c === "*") return;
      try {
        const na = parseNameAddr(c);
        na.uri.params.set("alias", `${src.ip}~${src.port}~${src.proto === "tcp" ? 2 : 1}`);
        this.msg.replaceFirst("contact", na.toString());
      } catch {
        // an unparsable Contact is left as it is
      }
    },
    /** handle_ruri_alias(): an R-URI with ;alias= goes to that address ($du) and loses the parameter. */
    handle_ruri_alias: () => {
      const alias = this.msg.ruri.params.get("alias");
      if (!alias) return;
      const [ip, port, proto] = alias.split("~");
      const u = this.msg.ruri.clone();
      u.params.delete("alias");
      this.msg.ruri = u;
      this.dstUri = `sip:${ip.includes(":") ? `[${ip}]` : ip}:${port}${proto === "2" ? ";transport=tcp" : ""}`;
    },
  };

  // ---- table modules ------------------------------------------------------------------------------

  readonly permissions = {
    allow_source_address: (group = 1): boolean =>
      this.core.modules.db?.permissions.allowSourceAddress(group, this.pv.si, this.pv.sp).allowed ?? false,
    allow_trusted: (): boolean =>
      this.core.modules.db?.permissions.allowTrusted(this.pv.si, this.pv.proto, this.pv.fu, this.pv.ru)
        .allowed ?? false,
  };

  readonly pike = { pike_check_req: (): boolean => this.core.modules.pike.allow(this.pv.si) };

  readonly htable = {
    sht_get: (table: string, key: string): unknown => this.core.modules.htable.table(table)?.get(key),
    sht_set: (table: string, key: string, value: string | number) => {
      this.core.modules.htable.table(table)?.set(key, value);
    },
  };

  readonly alias_db = {
    lookup: async (_table: string): Promise<boolean> => {
      const hit = this.core.modules.db?.aliasDb.lookup(this.pv.rU ?? "", this.pv.rd)[0];
      if (!hit) return false;
      this.msg.uri = hit.uri;
      return true;
    },
  };

  readonly speeddial = {
    lookup: async (_table: string): Promise<boolean> => {
      const hit = this.core.modules.db?.speedDial.lookup(this.pv.fU ?? "", this.pv.fd, this.pv.rU ?? "");
      if (!hit) return false;
      this.msg.uri = hit.newUri;
      return true;
    },
  };

  readonly group = {
    is_user_in: (which: "From" | "To" | "Request-URI" | "Credentials", group: string): boolean => {
      const g = this.core.modules.db?.group;
      if (!g) return false;
      const m = this.msg;
      const u =
        which === "From"
          ? m.from.uri
          : which === "To"
            ? m.to.uri
            : which === "Request-URI"
              ? m.ruri
              : undefined;
      const user = u ? (uriUser(u) ?? "") : (this.authUser ?? "");
      const domain = u ? u.host : m.from.uri.host;
      return g.isUserIn(user, domain, group);
    },
  };

  readonly domain = {
    is_domain_local: (d: string): boolean => this.core.modules.db?.domain.isDomainLocal(d) ?? false,
  };

  readonly dialplan = {
    dp_translate: (dpid: number): boolean => {
      const r = this.core.modules.db?.dialplan.translate(dpid, this.pv.rU ?? "", { uri: this.msg.uri });
      if (!r) return false;
      if (r.output) this.pv.rU = r.output;
      this.pv.vars.set("dp_attrs", r.attrs);
      return true;
    },
  };

  readonly dispatcher = {
    ds_select_dst: (set: number, alg: number): boolean => this.dsSelect(set, alg, false),
    ds_select_domain: (set: number, alg: number): boolean => this.dsSelect(set, alg, true),
    ds_next_dst: (): boolean => {
      const ds = this.core.modules.db?.dispatcher;
      const sel = this.dsSel ?? (this.cell?.vars.get("$ds") as DsSelection | undefined) ?? null;
      const t = sel && ds?.next(sel);
      if (!t) return false;
      this.dstUri = t.uri;
      return true;
    },
    ds_mark_dst: (state?: string): boolean => {
      const sel = this.dsSel ?? (this.cell?.vars.get("$ds") as DsSelection | undefined) ?? null;
      return sel ? (this.core.modules.db?.dispatcher.markDst(sel, state) ?? false) : false;
    },
    ds_is_from_list: (group?: number): boolean =>
      Boolean(
        this.core.modules.db?.dispatcher.isFromList(this.pv.si, this.pv.sp, {
          setid: group,
          proto: this.pv.proto,
        }),
      ),
  };

  private dsSelect(set: number, alg: number, domain: boolean): boolean {
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
