/**
 * The routing-script API, in the style of Kamailio's KEMI (`KSR.tm.t_relay()`, ...).
 *
 * A routing script is a module exporting a `RoutingScript`: ordinary async TypeScript functions
 * that receive one `Ksr` object per message. Function names, arguments and return codes follow
 * Kamailio's (positive = true/success, negative = failure), so a kamailio.cfg reads across almost
 * line by line. A route function returns `true` to stop processing (Kamailio's `exit`).
 */
import type { SipRequest, SipResponse } from "@switchboard/sip";

/** Per-transaction flags of the default kamailio.cfg. */
export const FLT_ACC = 1;
export const FLT_ACCMISSED = 2;
export const FLT_ACCFAILED = 3;
export const FLT_NATS = 5;
export const FLB_NATB = 6;

export interface KsrPv {
  /** Request method ($rm). */
  readonly rm: string;
  /** Request-URI ($ru), its user ($rU) and domain ($rd); writable like in Kamailio. */
  ru: string;
  rU: string | null;
  rd: string;
  /** Destination URI ($du): where the request goes instead of the R-URI (outbound proxy). */
  du: string | null;
  readonly fu: string;
  readonly fU: string | null;
  readonly fd: string;
  readonly tu: string;
  readonly tU: string | null;
  readonly td: string;
  /** Source IP, port and protocol ($si, $sp, $proto). */
  readonly si: string;
  readonly sp: number;
  readonly proto: string;
  /** User-Agent header ($ua), Call-ID ($ci). */
  readonly ua: string;
  readonly ci: string;
  /** Authenticated user ($au) after a successful auth_check. */
  readonly au: string | null;
  /** Script variables ($var(...)/$avp(...)); live for one message/transaction. */
  readonly vars: Map<string, unknown>;
}

export interface Ksr {
  readonly msg: SipRequest;
  readonly pv: KsrPv;
  is_method(methods: string): boolean;
  /** To-tag present: an in-dialog request. */
  has_totag(): boolean;
  setflag(flag: number): void;
  resetflag(flag: number): void;
  isflagset(flag: number): boolean;
  setbflag(flag: number): void;
  /** True when the host:port of the R-URI (or the given one) is this server ("myself"). */
  is_myself(uri?: string): boolean;
  from_uri_is_myself(): boolean;
  append_hf(header: string): void;
  remove_hf(name: string): number;
  log(
    level: "debug" | "info" | "notice" | "warn" | "error",
    event: string,
    fields?: Record<string, unknown>,
  ): void;

  sl: {
    send_reply(code: number, reason: string, headers?: [string, string][]): void;
    sl_reply_error(): void;
  };
  maxfwd: { process_maxfwd(limit: number): number };
  sanity: { sanity_check(): boolean };
  rr: {
    loose_route(): boolean;
    record_route(params?: string): void;
    add_rr_param(param: string): void;
    check_route_param(param: string): boolean;
  };
  tm: {
    t_relay(): Promise<boolean>;
    t_check_trans(): boolean;
    t_precheck_trans(): boolean;
    t_newtran(): boolean;
    t_reply(code: number, reason: string): void;
    t_on_failure(name: string): void;
    t_on_reply(name: string): void;
    t_on_branch(name: string): void;
    t_is_set(what: "failure_route" | "onreply_route" | "branch_route"): boolean;
    t_load_contacts(): boolean;
    t_next_contacts(): boolean;
    t_is_canceled(): boolean;
    t_check_status(re: string): boolean;
    append_branch(uri?: string, q?: number): void;
  };
  registrar: {
    save(table: string, flags?: number): Promise<number>;
    lookup(table: string): Promise<number>;
  };
  auth: {
    auth_check(realm: string, table: string, flags: number): Promise<number>;
    auth_challenge(realm: string, flags: number): void;
    consume_credentials(): void;
  };
  nathelper: {
    force_rport(): void;
    nat_uac_test(flags: number): boolean;
    fix_nated_register(): void;
    set_contact_alias(): void;
    handle_ruri_alias(): void;
  };
  permissions: {
    allow_source_address(group?: number): boolean;
    allow_trusted(): boolean;
  };
  pike: { pike_check_req(): boolean };
  htable: {
    sht_get(table: string, key: string): unknown;
    sht_set(table: string, key: string, value: string | number): void;
  };
  alias_db: { lookup(table: string): Promise<boolean> };
  speeddial: { lookup(table: string): Promise<boolean> };
  group: { is_user_in(which: "From" | "To" | "Request-URI" | "Credentials", group: string): boolean };
  domain: { is_domain_local(domain: string): boolean };
  dialplan: { dp_translate(dpid: number, from?: "$rU", to?: "$rU"): boolean };
  dispatcher: {
    ds_select_dst(set: number, alg: number): boolean;
    ds_select_domain(set: number, alg: number): boolean;
    ds_next_dst(): boolean;
    ds_mark_dst(state?: string): boolean;
    ds_is_from_list(group?: number): boolean;
  };
  /** Runtime configuration (cfg_get.<group>.<name>), e.g. cfg_get("pstn", "gw_ip"). */
  cfg_get(group: string, name: string): string | number;
}

/** The reply being processed in an onreply_route / failure_route. */
export interface KsrReply {
  readonly reply: SipResponse | null;
  readonly status: number;
}

export interface RoutingScript {
  request_route(K: Ksr): Promise<void>;
  reply_route?: Record<string, (K: Ksr, r: KsrReply) => void>;
  branch_route?: Record<string, (K: Ksr) => void>;
  failure_route?: Record<string, (K: Ksr, r: KsrReply) => Promise<void>>;
}
