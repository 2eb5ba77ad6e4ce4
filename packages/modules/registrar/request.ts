/**
 * The REGISTER as the registrar needs it, already parsed by the SIP layer, and its validation into the
 * values save() works with (Kamailio registrar's parse_message/check_contacts/pack_ci/calc_contact_*).
 */
import { makeAor } from "../usrloc/index.ts";
import { parseMethods } from "./methods.ts";
import type { RegistrarParams } from "./params.ts";
import { parseQ } from "./qvalue.ts";
import type { Rerrno } from "./rerrno.ts";

/** One Contact header value of the REGISTER. */
export interface RegisterContact {
  /** The URI inside <> (or the bare addr-spec); "*" for the wildcard contact. */
  uri: string;
  /**
   * Its header parameters (expires, q, +sip.instance, reg-id, methods, received...), names in any case,
   * values as sent (quoted strings may keep their quotes); null for a parameter without a value.
   */
  params?: Readonly<Record<string, string | null | undefined>>;
}

export interface RegisterRequest {
  /** User part of the To URI (still %-escaped as in the URI is fine: it is unescaped here). */
  toUser: string;
  /** Host part of the To URI. */
  toDomain: string;
  callId: string;
  /** CSeq number. */
  cseq: number;
  /** Raw Expires header value, when present. */
  expires?: string;
  /** Contact header values in order (all Contact headers); absent/empty for a query of the bindings. */
  contacts?: readonly RegisterContact[];
  /** Path header values in order (RFC 3327), each possibly a comma list. */
  path?: readonly string[];
  /** Option tags of the Supported header(s). */
  supported?: readonly string[];
  /** Allow header values (method lists); absent when the REGISTER has no Allow header. */
  allow?: readonly string[];
  userAgent?: string;
  /**
   * The source address when the UA is NATed, as nathelper's fix_nated_register() stores it
   * (see receivedUri()); "" / absent otherwise.
   */
  received?: string;
  /** Local socket the REGISTER arrived on, "udp:198.51.100.1:5060". */
  socket?: string;
  /** TCP connection id; absent or -1 for UDP. */
  connectionId?: number;
  /** Branch flags the script set for this request (e.g. FLB_NATB), saved with the bindings. */
  cflags?: number;
}

/** A Contact after validation: expires is absolute (0 = remove the binding). */
export interface PreparedContact {
  uri: string;
  expires: number;
  q: number;
  instance: string;
  regId: number;
  methods: number;
  received: string;
}

export interface PreparedRegister {
  aor: string;
  star: boolean;
  contacts: PreparedContact[];
  callid: string;
  cseq: number;
  path: string;
  /** First Path URI's received param (path_use_received), already unescaped. */
  pathReceived: string;
  supportsPath: boolean;
  userAgent: string;
  socket: string;
  connectionId: number;
  cflags: number;
}

export interface PrepareEnv {
  params: RegistrarParams;
  useDomain: boolean;
  natMask: number;
  nowSec: number;
  /** Save flag REG_SAVE_NOVARIATION_FL: skip the expires randomisation. */
  noVariation: boolean;
  random: () => number;
}

const CALLID_MAX_SIZE = 255;
const USERNAME_MAX_SIZE = 64;
const DOMAIN_MAX_SIZE = 64;
const RECEIVED_MAX_SIZE = 255;
const MAX_UA_SIZE = 255;
const DIGITS = /^\s*\d+\s*$/;

const unquote = (v: string) => (v.length >= 2 && v[0] === '"' && v.at(-1) === '"' ? v.slice(1, -1) : v);

/** The user part as stored: %XX escapes decoded (un_escape), undefined when malformed. */
function unescapeUser(user: string): string | undefined {
  if (!user.includes("%")) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}

function lowerKeys(params: RegisterContact["params"]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (params) for (const [k, v] of Object.entries(params)) if (v !== undefined) out.set(k.toLowerCase(), v);
  return out;
}

/** Kamailio randomize_expires(): a value between (100 - range)% and 100% of expires. */
function randomize(expires: number, range: number, random: () => number): number {
  if (range === 0) return expires;
  const min = Math.trunc(expires - (range / 100) * expires);
  return min + Math.trunc((Math.floor(random() * 100) / 100) * (expires - min));
}

/**
 * calc_contact_expires(): the Contact's expires param, else the Expires header, else default_expires;
 * raised to min_expires (or rejected with min_expires_mode), randomised by the ranges, capped by max_expires.
 */
function contactExpires(
  param: string | null | undefined,
  header: number | undefined,
  env: PrepareEnv,
): number | "LOW_EXP" {
  const p = env.params;
  let e: number;
  let range: number;
  if (param && DIGITS.test(param)) {
    e = Number(param);
    range = p.expires_range;
  } else if (param === undefined || param === null || param === "") {
    if (header === undefined) {
      e = p.default_expires;
      range = p.default_expires_range;
    } else {
      e = header;
      range = p.expires_range;
    }
  } else {
    // An unparsable expires param falls back to the default, as str2int failing does in Kamailio.
    e = p.default_expires;
    range = p.default_expires_range;
  }
  if (e === 0) return 0;
  if (e < p.min_expires) {
    if (p.min_expires_mode) return "LOW_EXP";
    e = p.min_expires;
  }
  if (!env.noVariation) e = Math.max(randomize(e, range, env.random), p.min_expires);
  if (p.max_expires && e > p.max_expires) e = p.max_expires;
  return e + env.nowSec;
}

/** The received param of the first Path entry (an edge proxy's NAT fix), or "". */
function firstPathReceived(path: string): string {
  const lt = path.indexOf("<");
  const gt = lt < 0 ? -1 : path.indexOf(">", lt);
  const uri = lt >= 0 && gt > lt ? path.slice(lt + 1, gt) : path.split(",")[0];
  const m = /;received=([^;>]*)/i.exec(uri);
  if (!m) return "";
  try {
    return decodeURIComponent(unquote(m[1]));
  } catch {
    return "";
  }
}

/** Validates a REGISTER; returns the prepared values or the Kamailio error code to reply with. */
export function prepareRegister(req: RegisterRequest, env: PrepareEnv): PreparedRegister | Rerrno {
  const p = env.params;
  const user = unescapeUser(req.toUser);
  if (user === undefined) return "UNESCAPE";
  if (user.length > USERNAME_MAX_SIZE || req.toDomain.length > DOMAIN_MAX_SIZE) return "AOR_LEN";
  if (!req.callId) return "CID_MISS";
  if (req.callId.length > CALLID_MAX_SIZE) return "CALLID_LEN";
  if (!Number.isInteger(req.cseq) || req.cseq < 0 || req.cseq > 0xffffffff) return "INV_CSEQ";

  let header: number | undefined;
  if (req.expires !== undefined) {
    if (!DIGITS.test(req.expires)) return "PARSE_EXP";
    header = Number(req.expires);
  }

  // check_contacts(): "*" only alone and only with Expires: 0 (RFC 3261 §10.2.2).
  const contacts = req.contacts ?? [];
  const starAt = contacts.findIndex((c) => c.uri.trim() === "*");
  if (starAt > 0 || (starAt === 0 && contacts.length > 1)) return "STAR_CONT";
  const star = starAt === 0;
  if (star && header !== 0) return "STAR_EXP";

  const path = p.use_path
    ? (req.path ?? [])
        .map((v) => v.trim())
        .filter(Boolean)
        .join(",")
    : "";
  const supportsPath = (req.supported ?? []).some((t) => t.trim().toLowerCase() === "path");
  let allowMask: number | undefined;
  if (req.allow) {
    allowMask = parseMethods(req.allow);
    if (allowMask === undefined) return "PARSE";
  }

  const prepared: PreparedContact[] = [];
  if (!star) {
    for (const c of contacts) {
      const params = lowerKeys(c.params);
      if (c.uri.length > p.contact_max_size) return "CONTACT_LEN";
      // pack_ci(): the Contact's own received param, else the address fix_nated_register() saved.
      const received = unquote(params.get("received") ?? "") || (req.received ?? "");
      if (received.length > RECEIVED_MAX_SIZE) return "CONTACT_LEN";
      const expires = contactExpires(params.get("expires"), header, env);
      if (expires === "LOW_EXP") return "LOW_EXP";
      const qParam = params.get("q");
      const q = qParam === undefined || qParam === null || qParam === "" ? p.default_q : parseQ(qParam);
      if (q === undefined) return "INV_Q";
      const instance = unquote(params.get("+sip.instance") ?? "");
      let regId = 0;
      const regIdParam = params.get("reg-id");
      if (instance && regIdParam) {
        if (!DIGITS.test(regIdParam) || Number(regIdParam) === 0) return "INV_REGID";
        regId = Number(regIdParam);
      }
      const methodsParam = params.get("methods");
      let methods = allowMask ?? 0xffffffff;
      if (methodsParam) {
        const m = parseMethods([unquote(methodsParam)]);
        if (m === undefined) return "PARSE";
        methods = m;
      }
      prepared.push({ uri: c.uri, expires, q, instance, regId, methods, received });
    }
  }

  const ua = req.userAgent ?? "";
  const pathReceived = path && p.path_use_received ? firstPathReceived(path) : "";
  return {
    aor: makeAor(user, req.toDomain, env.useDomain),
    star,
    contacts: prepared,
    callid: req.callId.trimEnd(),
    cseq: req.cseq,
    path,
    pathReceived,
    supportsPath,
    userAgent: ua.length > 0 && ua.length < MAX_UA_SIZE ? ua : "n/a",
    socket: req.socket ?? "",
    connectionId: req.connectionId ?? -1,
    // A received address learnt from the Path marks the binding as NATed (nat_bflag).
    cflags: ((req.cflags ?? 0) | (pathReceived ? env.natMask : 0)) >>> 0,
  };
}

/**
 * The received URI nathelper's fix_nated_register() stores for a NATed UA:
 * "sip:<source ip>:<source port>" plus ";transport=<proto>" for anything but UDP.
 */
export function receivedUri(proto: string, ip: string, port: number): string {
  const host = ip.includes(":") ? `[${ip}]` : ip;
  const p = proto.toLowerCase();
  return `sip:${host}:${port}${p === "udp" ? "" : `;transport=${p}`}`;
}
