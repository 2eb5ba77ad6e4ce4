/**
 * The SIP message model (RFC 3261 §7). Headers are kept as an ordered list of raw fields so a
 * relayed message serializes with minimal churn; structured values are parsed on first access and
 * cached (the parser fills the cache eagerly for Via, Call-ID, CSeq, From, To, Max-Forwards and
 * Content-Length). Every mutation goes through set/append/prepend/remove*, which drop the cache.
 */
import { SipParseError } from "./errors.ts";
import {
  type CSeq,
  canonicalName,
  headerKey,
  isListHeader,
  type NameAddr,
  parseCSeq,
  parseNameAddr,
  parseUint,
  parseVia,
  splitList,
  type Via,
} from "./headers.ts";
import { parseUri, type Uri } from "./uri.ts";

export interface HeaderField {
  /** The name as it arrived (or the canonical spelling for headers this stack added). */
  name: string;
  /** Lower-case long-form key: "via", "call-id", "content-length", ... */
  key: string;
  /** The raw value: unfolded, trimmed, list elements still comma-joined. */
  value: string;
}

export type TransportProto = "udp" | "tcp";

/** Where a message came from (Kamailio $proto/$si/$sp/$Ri/$Rp). */
export interface MessageSource {
  proto: TransportProto;
  ip: string;
  port: number;
  /** The listening socket that received it, as "udp:127.0.0.1:5060" (Kamailio socket string). */
  localSocket: string;
  localIp: string;
  localPort: number;
  /** For TCP: the connection it arrived on, so responses can reuse it (§18.2.2). */
  connectionId?: number;
}

const EMPTY = Buffer.alloc(0);
const MAX_FORWARDS_MAX = 255;
const CONTENT_LENGTH_MAX = 0x7fffffff;

export abstract class SipMessage {
  headers: HeaderField[] = [];
  body: Buffer = EMPTY;
  /** Set by the transport layer on received messages. */
  source?: MessageSource;
  /**
   * Parsed-value cache keyed by header key ("via" is the top Via, "via*" all of them); the parser
   * fills it, mutators clear the affected slot. Internal: use the accessors.
   */
  readonly cache = new Map<string, unknown>();

  abstract readonly isRequest: boolean;
  abstract firstLine(): string;

  // ---- raw header access -------------------------------------------------------------------

  /** First value of a header (for list headers: the first element of the first field). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const h of this.headers) {
      if (h.key === key) return isListHeader(key) ? splitList(h.value)[0] : h.value;
    }
    return undefined;
  }

  /** All values of a header, list headers split on commas outside quotes and <> (§7.3.1). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const list = isListHeader(key);
    const out: string[] = [];
    for (const h of this.headers) {
      if (h.key !== key) continue;
      if (list) for (const v of splitList(h.value)) out.push(v);
      else out.push(h.value);
    }
    return out;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    for (const h of this.headers) if (h.key === key) return true;
    return false;
  }

  /** Replaces every field of this header with the given value(s), at the position of the first one. */
  set(name: string, value: string | readonly string[]): this {
    const key = headerKey(name);
    const values = typeof value === "string" ? [value] : value;
    let at = -1;
    const kept: HeaderField[] = [];
    for (const h of this.headers) {
      if (h.key === key) {
        if (at < 0) at = kept.length;
      } else kept.push(h);
    }
    const fields = values.map((v) => ({ name: canonicalName(name), key, value: v }));
    kept.splice(at < 0 ? kept.length : at, 0, ...fields);
    this.headers = kept;
    this.invalidate(key);
    return this;
  }

  append(name: string, value: string): this {
    const key = headerKey(name);
    this.headers.push({ name: canonicalName(name), key, value });
    this.invalidate(key);
    return this;
  }

  /**
   * Adds a value above the existing ones (Via, Record-Route and Route grow at the top, §16.6, §16.12).
   * Without existing fields it goes first for Via, else after the last Via.
   */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const field = { name: canonicalName(name), key, value };
    let at = this.headers.findIndex((h) => h.key === key);
    if (at < 0 && key !== "via") {
      at = 0;
      for (let i = 0; i < this.headers.length; i++) if (this.headers[i].key === "via") at = i + 1;
    }
    this.headers.splice(Math.max(at, 0), 0, field);
    this.invalidate(key);
    return this;
  }

  /** Removes every field of this header; returns how many were removed. */
  remove(name: string): number {
    const key = headerKey(name);
    const before = this.headers.length;
    this.headers = this.headers.filter((h) => h.key !== key);
    this.invalidate(key);
    return before - this.headers.length;
  }

  /** Removes the topmost value (popping a Via or Route element out of a comma list if needed). */
  removeFirst(name: string): string | undefined {
    return this.editFirst(name, null);
  }

  /** Replaces the topmost value, keeping the other elements of a comma list. */
  replaceFirst(name: string, value: string): string | undefined {
    return this.editFirst(name, value);
  }

  private editFirst(name: string, value: string | null): string | undefined {
    const key = headerKey(name);
    const i = this.headers.findIndex((h) => h.key === key);
    if (i < 0) return undefined;
    const field = this.headers[i];
    const parts = isListHeader(key) ? splitList(field.value) : [field.value];
    const first = parts[0];
    if (value !== null) parts[0] = value;
    else parts.shift();
    if (parts.length === 0) this.headers.splice(i, 1);
    else this.headers[i] = { ...field, value: parts.join(", ") };
    this.invalidate(key);
    return first;
  }

  protected invalidate(key: string): void {
    if (this.cache.size === 0) return;
    this.cache.delete(key);
    this.cache.delete(`${key}*`);
  }

  protected memo<T>(slot: string, compute: () => T): T {
    if (this.cache.has(slot)) return this.cache.get(slot) as T;
    const v = compute();
    this.cache.set(slot, v);
    return v;
  }

  // ---- structured access -------------------------------------------------------------------

  /** The topmost Via (the one the transaction layer matches on), or undefined. */
  get via(): Via | undefined {
    return this.memo("via", () => {
      const v = this.get("via");
      return v === undefined ? undefined : parseVia(v);
    });
  }

  /** Every Via element, top first. */
  vias(): Via[] {
    return this.memo("via*", () => this.getAll("via").map(parseVia));
  }

  get callId(): string {
    return this.memo("call-id", () => this.get("call-id") ?? "");
  }

  get cseq(): CSeq {
    return this.memo("cseq", () => parseCSeq(this.required("cseq")));
  }

  get from(): NameAddr {
    return this.memo("from", () => parseNameAddr(this.required("from")));
  }

  get to(): NameAddr {
    return this.memo("to", () => parseNameAddr(this.required("to")));
  }

  get fromTag(): string | undefined {
    return this.from.tag;
  }

  get toTag(): string | undefined {
    return this.to.tag;
  }

  /** Max-Forwards (0-255), or undefined when absent. */
  get maxForwards(): number | undefined {
    return this.memo("max-forwards", () => {
      const v = this.get("max-forwards");
      return v === undefined ? undefined : parseUint(v, MAX_FORWARDS_MAX, "Max-Forwards");
    });
  }

  /** Content-Length header value, or undefined when absent. */
  get contentLength(): number | undefined {
    return this.memo("content-length", () => {
      const v = this.get("content-length");
      return v === undefined ? undefined : parseUint(v, CONTENT_LENGTH_MAX, "Content-Length");
    });
  }

  /** Contact bindings, or "*" for the wildcard of a de-registration (§10.2.2). */
  contacts(): NameAddr[] | "*" {
    return this.memo("contact*", () => {
      const all = this.getAll("contact");
      if (all.length === 1 && all[0] === "*") return "*" as const;
      return all.map(parseNameAddr);
    });
  }

  routes(): NameAddr[] {
    return this.memo("route*", () => this.getAll("route").map(parseNameAddr));
  }

  recordRoutes(): NameAddr[] {
    return this.memo("record-route*", () => this.getAll("record-route").map(parseNameAddr));
  }

  private required(key: string): string {
    const v = this.get(key);
    if (v === undefined) throw new SipParseError(`Missing ${canonicalName(key)}`);
    return v;
  }

  /** Replaces the body and keeps Content-Length (and Content-Type when given) in step. */
  setBody(body: Buffer | string, contentType?: string): this {
    this.body = typeof body === "string" ? Buffer.from(body) : body;
    if (contentType !== undefined) this.set("content-type", contentType);
    this.set("content-length", String(this.body.length));
    return this;
  }

  /** Wire form; Content-Length is added or corrected if it does not match the body. */
  serialize(): Buffer {
    let cl: number | undefined;
    try {
      cl = this.contentLength;
    } catch {
      cl = undefined;
    }
    if (cl !== this.body.length) this.set("content-length", String(this.body.length));
    let head = `${this.firstLine()}\r\n`;
    for (const h of this.headers) head += `${h.name}: ${h.value}\r\n`;
    head += "\r\n";
    if (this.body.length === 0) return Buffer.from(head);
    const headLen = Buffer.byteLength(head);
    const out = Buffer.allocUnsafe(headLen + this.body.length);
    out.write(head, 0, "utf8");
    this.body.copy(out, headLen);
    return out;
  }

  toString(): string {
    return this.serialize().toString();
  }

  protected copyInto<T extends SipMessage>(m: T): T {
    m.headers = this.headers.map((h) => ({ ...h }));
    m.body = this.body;
    m.source = this.source;
    return m;
  }
}

export class SipRequest extends SipMessage {
  readonly isRequest = true as const;
  constructor(
    public method: string,
    /** Request-URI as written; assign a new string (or set `ruri`) to rewrite it. */
    private uriText: string,
    public version = "SIP/2.0",
  ) {
    super();
  }

  get uri(): string {
    return this.uriText;
  }
  set uri(v: string) {
    this.uriText = v;
    this.cache.delete("$ruri");
  }

  /** Parsed Request-URI (headers are not allowed in it, §19.1.5). */
  get ruri(): Uri {
    return this.memo("$ruri", () => parseUri(this.uriText, { allowHeaders: false }));
  }
  set ruri(u: Uri) {
    this.uriText = u.toString();
    this.cache.set("$ruri", u);
  }

  firstLine(): string {
    return `${this.method} ${this.uriText} ${this.version}`;
  }

  clone(): SipRequest {
    return this.copyInto(new SipRequest(this.method, this.uriText, this.version));
  }
}

export class SipResponse extends SipMessage {
  readonly isRequest = false as const;
  constructor(
    public status: number,
    public reason: string,
    public version = "SIP/2.0",
  ) {
    super();
  }

  firstLine(): string {
    return `${this.version} ${this.status} ${this.reason}`;
  }

  clone(): SipResponse {
    return this.copyInto(new SipResponse(this.status, this.reason, this.version));
  }
}

export type AnySipMessage = SipRequest | SipResponse;
