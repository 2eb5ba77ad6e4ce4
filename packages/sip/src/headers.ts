/**
 * Header names and the structured header values of RFC 3261 §20/§25: name-addr / addr-spec
 * with parameters, Via, CSeq, comma-separated lists and quoted strings.
 * Input values have already been unfolded (continuation lines joined with SP, §7.3.1).
 */
import { isDigits, isHostnameChars, isIpv6Chars, isTokenChar, isWs, skipWs, trimWs } from "./chars.ts";
import { SipParseError } from "./errors.ts";
import { Params } from "./params.ts";
import { parseUri, type Uri } from "./uri.ts";

/** Compact forms (RFC 3261 §7.3.3, §20 and the IANA SIP header registry). */
const COMPACT: Record<string, string> = {
  a: "accept-contact",
  b: "referred-by",
  c: "content-type",
  d: "request-disposition",
  e: "content-encoding",
  f: "from",
  i: "call-id",
  j: "reject-contact",
  k: "supported",
  l: "content-length",
  m: "contact",
  n: "identity-info",
  o: "event",
  r: "refer-to",
  s: "subject",
  t: "to",
  u: "allow-events",
  v: "via",
  x: "session-expires",
  y: "identity",
};

/** Canonical spellings whose case is not simply Title-Case per dash-separated word. */
const SPECIAL_NAMES: Record<string, string> = {
  "call-id": "Call-ID",
  cseq: "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "mime-version": "MIME-Version",
  rack: "RAck",
  rseq: "RSeq",
  "sip-etag": "SIP-ETag",
  "sip-if-match": "SIP-If-Match",
  "p-asserted-identity": "P-Asserted-Identity",
};

/** Headers whose values are comma-separated lists (`#element` in the §25 grammar). */
const LIST_HEADERS = new Set([
  "via",
  "contact",
  "route",
  "record-route",
  "path",
  "service-route",
  "allow",
  "allow-events",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
  "accept",
  "accept-encoding",
  "accept-language",
  "accept-contact",
  "reject-contact",
  "request-disposition",
  "content-encoding",
  "content-language",
  "alert-info",
  "call-info",
  "error-info",
  "in-reply-to",
  "warning",
  "p-asserted-identity",
  "p-preferred-identity",
  "p-associated-uri",
  "reason",
  "history-info",
  "security-client",
  "security-server",
  "security-verify",
]);

/** Lower-case long name used as the lookup key: "v" -> "via", "Call-Id" -> "call-id". */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return name.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

/** The spelling used when this stack writes a header: "call-id" -> "Call-ID", "v" -> "Via". */
export function canonicalName(name: string): string {
  const key = headerKey(name);
  const special = SPECIAL_NAMES[key];
  if (special) return special;
  let out = "";
  let up = true;
  for (const ch of key) {
    out += up ? ch.toUpperCase() : ch;
    up = ch === "-";
  }
  return out;
}

export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}

/** Index just past the quoted-string starting at s[i] === '"'; throws when unterminated. */
export function endOfQuoted(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34 /* " */) return j + 1;
  }
  throw new SipParseError("Unterminated quoted string");
}

/** Removes surrounding quotes and quoted-pair escapes; returns other strings unchanged. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 34 || s.charCodeAt(s.length - 1) !== 34) return s;
  const inner = s.slice(1, -1);
  return inner.indexOf("\\") < 0 ? inner : inner.replace(/\\(.)/g, "$1");
}

export function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, "\\$1")}"`;
}

/**
 * Splits a header value on commas that are outside quoted strings and <...> (§7.3.1),
 * trimming each element and leaving out empty ones.
 */
export function splitList(value: string): string[] {
  if (value.indexOf(",") < 0) {
    const t = trimWs(value);
    return t === "" ? [] : [t];
  }
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      i = endOfQuoted(value, i) - 1;
    } else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      const t = trimWs(value.slice(start, i));
      if (t !== "") out.push(t);
      start = i + 1;
    }
  }
  const t = trimWs(value.slice(start));
  if (t !== "") out.push(t);
  return out;
}

function readToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Reads `*( SEMI generic-param )` from s[i] to the end of s into params, allowing LWS
 * around ";" and "=" (§25.1 SEMI/EQUAL). Values are token, host or quoted-string, kept as written.
 */
export function parseHeaderParams(s: string, i: number, params: Params, what: string): void {
  for (;;) {
    i = skipWs(s, i);
    if (i >= s.length) return;
    if (s.charCodeAt(i) !== 59) throw new SipParseError(`Bad ${what} parameters`);
    i = skipWs(s, i + 1);
    const nameEnd = readToken(s, i);
    if (nameEnd === i) throw new SipParseError(`Bad ${what} parameter`);
    const name = s.slice(i, nameEnd);
    i = skipWs(s, nameEnd);
    if (i < s.length && s.charCodeAt(i) === 61 /* = */) {
      i = skipWs(s, i + 1);
      let end: number;
      if (s.charCodeAt(i) === 34) end = endOfQuoted(s, i);
      else {
        end = i;
        for (; end < s.length; end++) {
          const c = s.charCodeAt(end);
          // gen-value = token / host / quoted-string; host adds "[", "]" and ":" for IPv6.
          if (!(isTokenChar(c) || c === 91 || c === 93 || c === 58)) break;
        }
      }
      if (end === i) throw new SipParseError(`Bad ${what} parameter`);
      params.list.push([name, s.slice(i, end)]);
      i = end;
    } else {
      params.list.push([name, null]);
    }
  }
}

/** name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route, ...). */
export class NameAddr {
  constructor(
    public uri: Uri,
    /** Display name with quotes and escapes removed; null when absent. */
    public displayName: string | null = null,
    public params: Params = new Params(),
  ) {}

  get tag(): string | undefined {
    return this.params.get("tag") ?? undefined;
  }

  clone(): NameAddr {
    return new NameAddr(this.uri.clone(), this.displayName, this.params.clone());
  }

  /** Always the name-addr form (`<uri>`), which is valid wherever addr-spec is. */
  toString(): string {
    const dn = this.displayName ? `${quote(this.displayName)} ` : "";
    return `${dn}<${this.uri.toString()}>${this.params.toString()}`;
  }
}

/** display-name = *(token LWS) / quoted-string; checks the unquoted form. */
function checkTokenDisplayName(s: string) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isTokenChar(c) && !isWs(c)) throw new SipParseError("Bad display name");
  }
}

/** Parses one name-addr or addr-spec followed by `;params` (§20.10, §20.20, §20.39). */
export function parseNameAddr(value: string): NameAddr {
  const s = value;
  const i = skipWs(s, 0);
  let display: string | null = null;
  let lt: number;
  if (s.charCodeAt(i) === 34) {
    const end = endOfQuoted(s, i);
    display = unquote(s.slice(i, end));
    lt = skipWs(s, end);
    if (s.charCodeAt(lt) !== 60) throw new SipParseError("Bad name-addr");
  } else {
    lt = s.indexOf("<", i);
    if (lt >= 0) {
      const dn = trimWs(s.slice(i, lt));
      checkTokenDisplayName(dn);
      display = dn === "" ? null : dn;
    }
  }
  if (lt >= 0) {
    const gt = s.indexOf(">", lt);
    if (gt < 0) throw new SipParseError("Bad name-addr");
    const na = new NameAddr(parseUri(s.slice(lt + 1, gt)), display);
    parseHeaderParams(s, gt + 1, na.params, "header");
    return na;
  }
  // addr-spec: the URI cannot contain ',', ';' or '?' here (§20.10), so it ends at ';' or LWS.
  let end = i;
  while (end < s.length) {
    const c = s.charCodeAt(end);
    if (c === 59 || isWs(c)) break;
    end++;
  }
  const uriText = s.slice(i, end);
  if (uriText.indexOf("?") >= 0 || uriText.indexOf(",") >= 0) throw new SipParseError("Bad addr-spec");
  const na = new NameAddr(parseUri(uriText, { allowHeaders: false }), null);
  parseHeaderParams(s, end, na.params, "header");
  return na;
}

/** One via-parm (§20.42): sent-protocol LWS sent-by *( SEMI via-params ). */
export class Via {
  constructor(
    /** "SIP/2.0" */
    public protocol: string,
    /** Upper-case transport: "UDP", "TCP", "TLS", "SCTP", "WS", ... */
    public transport: string,
    public host: string,
    public port: number | null,
    public params: Params = new Params(),
  ) {}

  get branch(): string | undefined {
    return this.params.get("branch") ?? undefined;
  }
  get received(): string | undefined {
    return this.params.get("received") ?? undefined;
  }
  /** RFC 3581: undefined when absent, true when present without a value, else the port. */
  get rport(): number | true | undefined {
    const v = this.params.get("rport");
    if (v === undefined) return undefined;
    return v === null ? true : Number(v);
  }
  get maddr(): string | undefined {
    return this.params.get("maddr") ?? undefined;
  }
  get ttl(): number | undefined {
    const v = this.params.get("ttl");
    return v ? Number(v) : undefined;
  }
  /** sent-by as "host" or "host:port", the form compared by §17.2.3 matching. */
  get sentBy(): string {
    return this.port === null ? this.host.toLowerCase() : `${this.host.toLowerCase()}:${this.port}`;
  }

  clone(): Via {
    return new Via(this.protocol, this.transport, this.host, this.port, this.params.clone());
  }

  toString(): string {
    const hp = this.port === null ? this.host : `${this.host}:${this.port}`;
    return `${this.protocol}/${this.transport} ${hp}${this.params.toString()}`;
  }
}

function expectSlash(s: string, i: number): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 47) throw new SipParseError("Bad Via");
  return skipWs(s, i + 1);
}

/** Parses a single via-parm (one element of a Via list). */
export function parseVia(value: string): Via {
  const s = value;
  let i = skipWs(s, 0);
  let e = readToken(s, i);
  const name = s.slice(i, e);
  i = expectSlash(s, e);
  e = readToken(s, i);
  const version = s.slice(i, e);
  i = expectSlash(s, e);
  e = readToken(s, i);
  const transport = s.slice(i, e);
  if (!name || !version || !transport || e >= s.length || !isWs(s.charCodeAt(e))) {
    throw new SipParseError("Bad Via");
  }
  i = skipWs(s, e);
  // sent-by = host [ COLON port ]
  let hostEnd: number;
  if (s.charCodeAt(i) === 91) {
    hostEnd = s.indexOf("]", i) + 1;
    if (hostEnd === 0 || !isIpv6Chars(s, i + 1, hostEnd - 1)) throw new SipParseError("Bad Via host");
  } else {
    hostEnd = i;
    while (hostEnd < s.length && isHostnameCharCode(s.charCodeAt(hostEnd))) hostEnd++;
  }
  const host = s.slice(i, hostEnd);
  if (host === "" || (host.charCodeAt(0) !== 91 && !isHostnameChars(host)))
    throw new SipParseError("Bad Via host");
  let port: number | null = null;
  i = skipWs(s, hostEnd);
  if (s.charCodeAt(i) === 58) {
    i = skipWs(s, i + 1);
    let pe = i;
    while (pe < s.length && s.charCodeAt(pe) >= 48 && s.charCodeAt(pe) <= 57) pe++;
    const p = s.slice(i, pe);
    if (!isDigits(p) || p.length > 5 || Number(p) > 65535) throw new SipParseError("Bad Via port");
    port = Number(p);
    i = pe;
  }
  const via = new Via(`${name.toUpperCase()}/${version}`, transport.toUpperCase(), host, port, new Params());
  parseHeaderParams(s, i, via.params, "Via");
  checkViaParams(via);
  return via;
}

function isHostnameCharCode(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 45 || c === 46;
}

/** Values of the Via parameters this stack acts on must be well-formed (§20.42, RFC 3581). */
function checkViaParams(via: Via) {
  const rport = via.params.get("rport");
  if (rport !== undefined && rport !== null && (!isDigits(rport) || Number(rport) > 65535)) {
    throw new SipParseError("Bad Via rport");
  }
  const ttl = via.params.get("ttl");
  if (ttl !== undefined && (ttl === null || !isDigits(ttl) || Number(ttl) > 255)) {
    throw new SipParseError("Bad Via ttl");
  }
  const branch = via.params.get("branch");
  if (branch === null) throw new SipParseError("Bad Via branch");
}

export interface CSeq {
  seq: number;
  method: string;
}

/** CSeq = 1*DIGIT LWS Method; the number must fit 32 bits unsigned (§8.1.1.5, §20.16). */
export function parseCSeq(value: string): CSeq {
  const s = trimWs(value);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const num = s.slice(0, i);
  const j = skipWs(s, i);
  const method = s.slice(j);
  if (num === "" || j === i || method === "" || readToken(method, 0) !== method.length) {
    throw new SipParseError("Bad CSeq");
  }
  const seq = Number(num);
  if (seq > 0xffffffff) throw new SipParseError("Bad CSeq number");
  return { seq, method };
}

/** A non-negative decimal that fits `max` (Max-Forwards 0-255, Content-Length, Expires...). */
export function parseUint(value: string, max: number, what: string): number {
  const s = trimWs(value);
  if (!isDigits(s)) throw new SipParseError(`Bad ${what}`);
  const n = Number(s);
  if (n > max) throw new SipParseError(`Bad ${what}`);
  return n;
}
