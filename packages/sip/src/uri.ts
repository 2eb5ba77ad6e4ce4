/**
 * SIP/SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966) and, opaquely, any other
 * absoluteURI scheme (so `Contact: <mailto:...>` or `Request-URI http:` parse and 416 can be decided later).
 */
import {
  isDigits,
  isHeaderChars,
  isHostnameChars,
  isIpv6Chars,
  isParamChars,
  isPasswordChars,
  isUserChars,
  unescapeUri,
} from "./chars.ts";
import { SipParseError } from "./errors.ts";
import { Params } from "./params.ts";

export class Uri {
  constructor(
    /** Lower-case scheme: "sip", "sips", "tel", or any other. */
    public scheme: string,
    /** User part as written (still %-escaped); the number for tel:; null when absent. */
    public user: string | null,
    public password: string | null,
    /** Host as written; IPv6 references keep their brackets ("[2001:db8::1]"). Empty for tel:/opaque URIs. */
    public host: string,
    public port: number | null,
    public params: Params = new Params(),
    public headers: Params = new Params(),
    /** Everything after "scheme:" for schemes this parser does not understand. */
    public opaque: string | null = null,
  ) {}

  get isSip(): boolean {
    return this.scheme === "sip" || this.scheme === "sips";
  }

  /** Host without IPv6 brackets, as node:net/node:dgram want it. */
  get hostAddress(): string {
    const h = this.host;
    return h.charCodeAt(0) === 91 ? h.slice(1, -1) : h;
  }

  /** The `transport` URI parameter, lower-cased, or undefined. */
  get transport(): string | undefined {
    const t = this.params.get("transport");
    return t ? t.toLowerCase() : undefined;
  }

  /** RFC 3261 §16.4/§19.1.1: `;lr` marks a loose router. */
  get lr(): boolean {
    return this.params.has("lr");
  }

  clone(): Uri {
    return new Uri(
      this.scheme,
      this.user,
      this.password,
      this.host,
      this.port,
      this.params.clone(),
      this.headers.clone(),
      this.opaque,
    );
  }

  toString(): string {
    if (this.opaque !== null) return `${this.scheme}:${this.opaque}`;
    if (this.scheme === "tel") return `tel:${this.user ?? ""}${this.params.toString()}`;
    let s = `${this.scheme}:`;
    if (this.user !== null) {
      s += this.user;
      if (this.password !== null) s += `:${this.password}`;
      s += "@";
    }
    s += this.host;
    if (this.port !== null) s += `:${this.port}`;
    s += this.params.toString();
    if (this.headers.size > 0) {
      s += "?";
      s += this.headers.list.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join("&");
    }
    return s;
  }
}

function bad(what: string): never {
  throw new SipParseError(`Bad URI ${what}`);
}

/** RFC 3986 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
function isScheme(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    const alpha = c >= 97 && c <= 122;
    if (i === 0 ? !alpha : !(alpha || (c >= 48 && c <= 57) || c === 0x2b || c === 0x2d || c === 0x2e))
      return false;
  }
  return true;
}

/** No whitespace, controls, DEL, or the delimiters that can never be inside an absoluteURI. */
function isOpaqueChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 34 || c === 60 || c === 62) return false;
  }
  return true;
}

function parseParamList(s: string, target: Params, sep: string, check: (s: string) => boolean, what: string) {
  for (const part of s.split(sep)) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (name === "" || !check(name) || (value !== null && !check(value))) bad(what);
    target.list.push([name, value]);
  }
}

/** Parses host[:port] at s[from, to) into the uri. */
function parseHostPort(s: string, from: number, to: number, uri: Uri) {
  let hostEnd: number;
  if (s.charCodeAt(from) === 91 /* [ */) {
    const close = s.indexOf("]", from);
    if (close < 0 || close >= to || !isIpv6Chars(s, from + 1, close)) bad("host");
    hostEnd = close + 1;
  } else {
    const colon = s.indexOf(":", from);
    hostEnd = colon < 0 || colon > to ? to : colon;
  }
  const host = s.slice(from, hostEnd);
  if (host.charCodeAt(0) !== 91 && !isHostnameChars(host)) bad("host");
  uri.host = host;
  if (hostEnd < to) {
    if (s.charCodeAt(hostEnd) !== 58 /* : */) bad("host");
    const port = s.slice(hostEnd + 1, to);
    if (!isDigits(port) || port.length > 5 || Number(port) > 65535) bad("port");
    uri.port = Number(port);
  }
}

function parseSipUri(scheme: string, s: string, start: number, allowHeaders: boolean): Uri {
  const uri = new Uri(scheme, null, null, "", null);
  const at = s.indexOf("@", start);
  let hostStart = start;
  if (at >= 0) {
    const colon = s.indexOf(":", start);
    const userEnd = colon >= 0 && colon < at ? colon : at;
    const user = s.slice(start, userEnd);
    if (!isUserChars(user)) bad("user");
    uri.user = user;
    if (userEnd < at) {
      const pw = s.slice(userEnd + 1, at);
      if (!isPasswordChars(pw)) bad("password");
      uri.password = pw;
    }
    hostStart = at + 1;
  }
  // The host ends at the first ';' or '?' (after an IPv6 reference's ']').
  let scan = hostStart;
  if (s.charCodeAt(hostStart) === 91) {
    const close = s.indexOf("]", hostStart);
    if (close < 0) bad("host");
    scan = close;
  }
  let end = s.length;
  for (let i = scan; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 59 || c === 63) {
      end = i;
      break;
    }
  }
  parseHostPort(s, hostStart, end, uri);
  if (end === s.length) return uri;
  const q = s.indexOf("?", end);
  if (s.charCodeAt(end) === 59) {
    parseParamList(s.slice(end + 1, q < 0 ? s.length : q), uri.params, ";", isParamChars, "parameter");
  }
  if (q >= 0) {
    if (!allowHeaders) bad("headers");
    parseParamList(s.slice(q + 1), uri.headers, "&", isHeaderChars, "header");
  }
  return uri;
}

/** RFC 3966 telephone-subscriber: the number up to the first ';', then parameters. */
function parseTelUri(s: string, start: number): Uri {
  const semi = s.indexOf(";", start);
  const number = s.slice(start, semi < 0 ? s.length : semi);
  if (number === "" || !isParamChars(number.replace(/[#*]/g, ""))) bad("number");
  const uri = new Uri("tel", number, null, "", null);
  if (semi >= 0) parseParamList(s.slice(semi + 1), uri.params, ";", isParamChars, "parameter");
  return uri;
}

export interface ParseUriOptions {
  /** `?headers` are legal in URIs inside name-addr, never in a Request-URI (RFC 3261 §19.1.5). */
  allowHeaders?: boolean;
}

/** Parses an absolute URI; throws SipParseError("Bad URI ...") on malformed input. */
export function parseUri(s: string, opts: ParseUriOptions = {}): Uri {
  const colon = s.indexOf(":");
  if (colon <= 0) bad("scheme");
  const rawScheme = s.slice(0, colon);
  if (!isScheme(rawScheme)) bad("scheme");
  const scheme = rawScheme.toLowerCase();
  if (scheme === "sip" || scheme === "sips")
    return parseSipUri(scheme, s, colon + 1, opts.allowHeaders ?? true);
  if (scheme === "tel") return parseTelUri(s, colon + 1);
  const opaque = s.slice(colon + 1);
  if (opaque === "" || !isOpaqueChars(opaque)) bad("syntax");
  return new Uri(scheme, null, null, "", null, new Params(), new Params(), opaque);
}

/** URI parameters that, present in only one of two URIs, make them differ (RFC 3261 §19.1.4). */
const SIGNIFICANT_PARAMS = ["user", "ttl", "method", "maddr", "transport"];

function paramValueEq(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}

/** RFC 3966 §4: numbers compare without visual separators; all parameters must match. */
function telEquals(a: Uri, b: Uri): boolean {
  const strip = (n: string | null) => (n ?? "").replace(/[-.()]/g, "").toLowerCase();
  if (strip(a.user) !== strip(b.user) || a.params.size !== b.params.size) return false;
  return a.params.list.every(([n, v]) => b.params.has(n) && paramValueEq(v, b.params.get(n)));
}

/** URI equivalence of RFC 3261 §19.1.4 (sip/sips), RFC 3966 §4 (tel), else exact text. */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === "tel") return telEquals(a, b);
  if (!a.isSip) return a.opaque === b.opaque;
  // userinfo is case-sensitive, compared after unescaping; host is not case-sensitive.
  if ((a.user === null) !== (b.user === null)) return false;
  if (a.user !== null && unescapeUri(a.user) !== unescapeUri(b.user!)) return false;
  if ((a.password ?? "") !== (b.password ?? "")) return false;
  if (unescapeUri(a.host).toLowerCase() !== unescapeUri(b.host).toLowerCase()) return false;
  // An omitted port is not the same as an explicit default port.
  if (a.port !== b.port) return false;
  for (const name of SIGNIFICANT_PARAMS) {
    const av = a.params.get(name);
    const bv = b.params.get(name);
    if ((av === undefined) !== (bv === undefined)) return false;
    if (av !== undefined && !paramValueEq(unescapeUri(av ?? ""), unescapeUri(bv ?? ""))) return false;
  }
  for (const [name, av] of a.params.list) {
    const bv = b.params.get(name);
    if (bv !== undefined && !paramValueEq(unescapeUri(av ?? ""), unescapeUri(bv ?? ""))) return false;
  }
  // Header components are never ignored.
  if (a.headers.size !== b.headers.size) return false;
  for (const [name, av] of a.headers.list) {
    const bv = b.headers.get(name);
    if (bv === undefined || unescapeUri(av ?? "") !== unescapeUri(bv ?? "")) return false;
  }
  return true;
}
