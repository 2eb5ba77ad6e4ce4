/**
 * Result and parameter types of the Kamailio commands the console and sbctl use, from Kamailio's sources and
 * real answers (src/fixtures/). Member names are Kamailio's, spelled as on the wire.
 *
 * A command that answers nothing gives `{}` over JSON-RPC and `true` over XML-RPC (RpcEmpty).
 * Over XML-RPC a struct member that Kamailio repeats arrives as an array of all its values (values.ts);
 * over JSON-RPC too, since the client parses JSON with a duplicate-tolerant parser.
 */

export type RpcEmpty = Record<string, never> | true;

export interface CoreInfo {
  version: string;
  id: string;
  compiler: string;
  compiled: string;
  flags: string;
}

export interface CoreUptime {
  /** ctime(3) text, e.g. "Sun Nov 22 13:29:26 2026" */
  now: string;
  up_since: string;
  uptime: number;
}

export interface CorePsxEntry {
  IDX: number;
  PID: number;
  DSC: string;
}

export interface TmStats {
  current: number;
  waiting: number;
  total: number;
  total_local: number;
  rpl_received: number;
  rpl_generated: number;
  rpl_sent: number;
  "6xx": number;
  "5xx": number;
  "4xx": number;
  "3xx": number;
  "2xx": number;
  /** only with TM_MORE_STATS */
  created?: number;
  freed?: number;
  delayed_free?: number;
}

export type SlStatsKey =
  | "200"
  | "202"
  | "2xx"
  | "300"
  | "301"
  | "302"
  | "3xx"
  | "400"
  | "401"
  | "403"
  | "404"
  | "407"
  | "408"
  | "483"
  | "4xx"
  | "500"
  | "5xx"
  | "6xx"
  | "xxx";
export type SlStats = Partial<Record<SlStatsKey, number>> & Record<string, number>;

export interface UlContact {
  Address: string;
  /** seconds left, or "permanent" / "deleted" / "expired" */
  Expires: number | string;
  /** -1 when unset */
  Q: number;
  "Call-ID": string;
  CSeq: number;
  "User-Agent": string;
  /** "[not set]" when empty, as Path, Socket and Instance */
  Received: string;
  Path: string;
  /** CS_NEW / CS_SYNC / CS_DIRTY */
  State: string;
  Flags: number;
  CFlags: number;
  Socket: string;
  Methods: number;
  Ruid: string;
  Instance: string;
  "Reg-Id": number;
  "Server-Id": number;
  "Tcpconn-Id": number;
  Keepalive: number;
  "Last-Keepalive": number;
  "KA-Roundtrip": number;
  /** unix time */
  "Last-Modified": number;
}

export interface UlAorInfo {
  AoR: string;
  HashID: number;
  Contacts: Array<{ Contact: UlContact }>;
}

export interface UlDump {
  Domains: Array<{
    Domain: {
      /** the location table, e.g. "location" */
      Domain: string;
      Size: number;
      /** full dump: [{Info}], "brief" dump: [{AoR}] */
      AoRs: Array<{ Info: UlAorInfo } | { AoR: string }>;
      Stats?: { Records: number; "Max-Slots": number };
    };
  }>;
}

export interface UlLookup {
  AoR: string;
  Contacts: Array<{ Contact: UlContact }>;
}

export interface DispatcherAttrs {
  BODY?: string;
  DUID?: string;
  PROBING_COUNT?: number;
  MAXLOAD?: number;
  WEIGHT?: number;
  RWEIGHT?: number;
  SOCKET?: string;
  SOCKNAME?: string;
  PING_SOCKET?: string;
  OBPROXY?: string;
  OCMIN?: number;
  OCMAX?: number;
  [key: string]: unknown;
}

export interface DispatcherDest {
  /** 6.1+ */
  IDX?: number;
  URI: string;
  /** 1st char A active / I inactive / T trying / D disabled; 2nd P probing / N no-ping / X none */
  FLAGS: string;
  PRIORITY: number;
  /** 6.1+ */
  IUID?: string;
  ATTRS?: DispatcherAttrs;
  LATENCY?: { AVG: number; STD: number; EST: number; MAX: number; TIMEOUT: number };
  RUNTIME?: { DLGLOAD: number };
}

export interface DispatcherList {
  NRSETS: number;
  RECORDS: Array<{ SET: { ID: number; TARGETS: Array<{ DEST: DispatcherDest }> } }>;
}

export interface DialplanTranslate {
  Output: string;
  Attributes: string;
}

export interface DialplanEntry {
  PRIO: number;
  MATCHOP: number;
  MATCHEXP: string;
  MATCHLEN: number;
  SUBSTEXP: string;
  REPLEXP: string;
  ATTRS: string;
}

export interface DialplanDump {
  DPID: number;
  ENTRIES: Array<{ ENTRY: DialplanEntry }>;
}

export interface AddressDumpEntry {
  table: number;
  group: number;
  item: { ip: string; port: number; tag: string };
}

export interface TrustedItem {
  ip: string;
  proto: string;
  pattern: string;
  ruri_pattern: string;
  tag: string;
  priority: number;
}

/**
 * permissions.trustedDump: ONE struct with "table"/"item" repeated per entry. Parsed by this package, a single
 * entry gives plain values and several give arrays (use normalizeTrustedDump).
 */
export interface TrustedDump {
  table?: number | number[];
  item?: TrustedItem | TrustedItem[];
}

export interface DomainDump {
  domains?: Array<{ domain: string; did: string }>;
  attributes?: Array<{ did: string; attrs: string[] }>;
}

/** Every method the typed client knows: params tuple and result type. */
export interface KnownMethods {
  "core.version": { params: []; result: string };
  "core.info": { params: []; result: CoreInfo };
  "core.uptime": { params: []; result: CoreUptime };
  "core.psx": { params: []; result: CorePsxEntry[] };
  /** selectors: "all", "group:" or a counter name; lines "group:name = value" (parseStats) */
  "stats.get_statistics": { params: [selector: string, ...more: string[]]; result: string[] };
  /** {"group.name": "value"} (parseStats) */
  "stats.fetch": { params: [selector: string, ...more: string[]]; result: Record<string, string> };
  "tm.stats": { params: []; result: TmStats };
  "sl.stats": { params: []; result: SlStats };
  "ul.dump": { params: [] | [mode: "brief"]; result: UlDump };
  "ul.lookup": { params: [table: string, aor: string]; result: UlLookup };
  /** removes the whole AoR */
  "ul.rm": { params: [table: string, aor: string]; result: RpcEmpty };
  "ul.rm_contact": { params: [table: string, aor: string, contact: string]; result: RpcEmpty };
  "dispatcher.list": { params: [] | [mode: "short" | "full"]; result: DispatcherList };
  "dispatcher.reload": { params: []; result: string | RpcEmpty };
  /** state a|i|t|d (+ "p" for probing), address or "all" */
  "dispatcher.set_state": {
    params: [state: string, group: number, address: string];
    result: string | RpcEmpty;
  };
  "dialplan.reload": { params: []; result: RpcEmpty };
  "dialplan.translate": { params: [dpid: number, input: string]; result: DialplanTranslate };
  "dialplan.dump": { params: [dpid: number]; result: DialplanDump };
  "permissions.addressReload": { params: []; result: string | RpcEmpty };
  "permissions.trustedReload": { params: []; result: string | RpcEmpty };
  "permissions.addressDump": { params: []; result: AddressDumpEntry[] };
  "permissions.trustedDump": { params: []; result: TrustedDump };
  "domain.reload": { params: []; result: RpcEmpty };
  "domain.dump": { params: []; result: DomainDump };
  "htable.reload": { params: [table: string]; result: string | RpcEmpty };
  /** lines "group: name" */
  "cfg.list": { params: [] | [group: string]; result: string[] };
  "cfg.get": { params: [group: string, name: string]; result: number | string };
  "cfg.set": { params: [group: string, name: string, value: number | string]; result: RpcEmpty };
  "system.listMethods": { params: []; result: string[] };
  "system.methodHelp": { params: [method: string]; result: string };
  /**
   * Switchboard extension (absent on Kamailio): drops sipd's cached subscriber credentials after a console edit,
   * all of them, or one user's when username (and domain) are given.
   */
  "subscriber.invalidate": {
    params: [] | [username: string] | [username: string, domain: string];
    result: unknown;
  };
}

export type KnownMethod = keyof KnownMethods;
export type RpcParamsOf<M extends KnownMethod> = KnownMethods[M]["params"];
export type RpcResultOf<M extends KnownMethod> = KnownMethods[M]["result"];
