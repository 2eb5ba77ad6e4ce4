/**
 * Wire -> SipRequest/SipResponse (RFC 3261 §7, §18.3, §25). One pass over the header block:
 * lines are split and unfolded, the start line and the headers every request needs (Via,
 * Call-ID, CSeq, From/To, Max-Forwards, Content-Length) are parsed and cached now; everything
 * else stays a raw string until someone asks for it.
 */
import { isToken, isWs, trimWs } from "./chars.ts";
import { SipParseError } from "./errors.ts";
import { headerKey, parseCSeq, parseNameAddr, parseUint, parseVia, splitList } from "./headers.ts";
import { type HeaderField, type SipMessage, SipRequest, SipResponse } from "./message.ts";

export interface ParseOptions {
  /**
   * Datagram rules (§18.3), the default: without Content-Length the body runs to the end of the
   * datagram; a Content-Length larger than what arrived is an error; a smaller one truncates.
   * Stream transports pass false with an exactly framed buffer: no Content-Length means no body.
   */
  datagram?: boolean;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");

/** Offset of the first byte that is not CR/LF (§7.5: CRLFs before the start line are ignored). */
export function skipLeadingCrlf(buf: Buffer, from = 0): number {
  let i = from;
  while (i < buf.length && (buf[i] === 13 || buf[i] === 10)) i++;
  return i;
}

/**
 * Where the header block starting at `start` ends: `headEnd` is the offset of the blank line,
 * `bodyStart` the first body byte; null when the blank line has not arrived.
 * Bare-LF line ends are tolerated as well as CRLF.
 */
export function findHeaderEnd(buf: Buffer, start: number): { headEnd: number; bodyStart: number } | null {
  const crlf = buf.indexOf(CRLFCRLF, start);
  const lf = buf.indexOf(LFLF, start);
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return { headEnd: lf, bodyStart: lf + 2 };
  if (crlf >= 0) return { headEnd: crlf, bodyStart: crlf + 4 };
  return null;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (case-insensitive, §7.1). */
function looksLikeVersion(s: string): boolean {
  return s.length >= 7 && (s.charCodeAt(0) | 0x20) === 115 && s.slice(0, 4).toUpperCase() === "SIP/";
}

function isSip20(s: string): boolean {
  return s === "SIP/2.0" || s.toUpperCase() === "SIP/2.0";
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2). */
function parseStatusLine(line: string): SipResponse {
  const sp = line.indexOf(" ");
  const version = sp < 0 ? line : line.slice(0, sp);
  if (!isSip20(version)) throw new SipParseError("Bad version", "response");
  const code = line.slice(sp + 1, sp + 4);
  const after = line.charCodeAt(sp + 4);
  let ok = code.length === 3 && (Number.isNaN(after) || after === 32);
  for (let i = 0; ok && i < 3; i++) ok = code.charCodeAt(i) >= 48 && code.charCodeAt(i) <= 57;
  const status = Number(code);
  if (!ok || status < 100 || status > 699) throw new SipParseError("Bad status code", "response");
  return new SipResponse(status, line.slice(sp + 5), version);
}

/**
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1). Only what is clearly not a
 * request line is junk; a request with a bad URI, extra spaces or another version can be answered,
 * so that case returns the request plus the error to answer with.
 */
function parseRequestLine(line: string): { req: SipRequest; error?: SipParseError } {
  const trimmed = line.trimEnd();
  const sp1 = trimmed.indexOf(" ");
  const sp2 = trimmed.lastIndexOf(" ");
  const method = trimmed.slice(0, sp1);
  const version = trimmed.slice(sp2 + 1);
  if (sp1 <= 0 || sp2 === sp1 || !isToken(method) || !looksLikeVersion(version)) {
    throw new SipParseError("Bad start line");
  }
  const uri = trimmed.slice(sp1 + 1, sp2);
  const req = new SipRequest(method, uri, version);
  if (!isSip20(version)) return { req, error: new SipParseError("Version Not Supported", "request", 505) };
  if (trimmed.length !== line.length || uri === "" || uri !== trimWs(uri) || /\s/.test(uri)) {
    return { req, error: new SipParseError("Bad Request-Line", "request") };
  }
  try {
    req.ruri; // parses and caches; throws on a malformed Request-URI
  } catch (e) {
    return { req, error: e as SipParseError };
  }
  return { req };
}

/** Splits the header block into unfolded fields (§7.3.1). Returns the first structural error. */
function readFields(head: string, from: number, fields: HeaderField[]): SipParseError | undefined {
  let error: SipParseError | undefined;
  let pos = from;
  while (pos < head.length) {
    let nl = head.indexOf("\n", pos);
    if (nl < 0) nl = head.length;
    let end = nl;
    if (end > pos && head.charCodeAt(end - 1) === 13) end--;
    const line = head.slice(pos, end);
    pos = nl + 1;
    if (line.length === 0) continue;
    if (isWs(line.charCodeAt(0))) {
      // Continuation line: folding is equivalent to a single SP.
      const last = fields[fields.length - 1];
      const more = trimWs(line);
      if (!last) error ??= new SipParseError("Bad header folding");
      else if (more !== "") last.value = last.value === "" ? more : `${last.value} ${more}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? trimWs(line.slice(0, colon)) : "";
    if (name === "" || !isToken(name)) {
      error ??= new SipParseError("Bad header line");
      continue;
    }
    fields.push({ name, key: headerKey(name), value: trimWs(line.slice(colon + 1)) });
  }
  return error;
}

const SINGLE = ["call-id", "cseq", "from", "to", "max-forwards", "content-length"] as const;

/** Parses and caches the hot-path headers; throws the first problem found. */
function parseEager(msg: SipMessage, cache: Map<string, unknown>): void {
  let topVia: string | undefined;
  let duplicate: string | undefined;
  const seen: Record<string, string | undefined> = {};
  for (const h of msg.headers) {
    const k = h.key;
    if (k === "via") {
      if (topVia === undefined) topVia = splitList(h.value)[0] ?? "";
    } else if ((SINGLE as readonly string[]).includes(k)) {
      if (seen[k] !== undefined) duplicate ??= h.name;
      seen[k] = h.value;
    }
  }
  // The top Via first: with it, any later error can still be answered.
  if (topVia === undefined) throw new SipParseError("Missing Via");
  cache.set("via", parseVia(topVia));
  if (duplicate !== undefined) throw new SipParseError(`Duplicate ${duplicate}`);
  const callId = seen["call-id"];
  if (callId === undefined || callId === "") throw new SipParseError("Missing Call-ID");
  if (/\s/.test(callId)) throw new SipParseError("Bad Call-ID");
  cache.set("call-id", callId);
  if (seen.cseq === undefined) throw new SipParseError("Missing CSeq");
  cache.set("cseq", parseCSeq(seen.cseq));
  if (seen.from === undefined) throw new SipParseError("Missing From");
  cache.set("from", parseNameAddr(seen.from));
  if (seen.to === undefined) throw new SipParseError("Missing To");
  cache.set("to", parseNameAddr(seen.to));
  const mf = seen["max-forwards"];
  cache.set("max-forwards", mf === undefined ? undefined : parseUint(mf, 255, "Max-Forwards"));
  const cl = seen["content-length"];
  cache.set("content-length", cl === undefined ? undefined : parseUint(cl, 0x7fffffff, "Content-Length"));
}

function asParseError(e: unknown): SipParseError {
  if (e instanceof SipParseError) return e;
  return new SipParseError("Bad message");
}

/**
 * Parses one SIP message. Throws SipParseError whose `kind` says whether to drop it ("junk",
 * "response") or answer it ("request", with `err.request` and `err.status` ready for createResponse).
 */
export function parseMessage(buf: Buffer, opts: ParseOptions = {}): SipRequest | SipResponse {
  const datagram = opts.datagram ?? true;
  const start = skipLeadingCrlf(buf);
  if (start >= buf.length) throw new SipParseError("Empty message");
  const found = findHeaderEnd(buf, start);
  const headEnd = found ? found.headEnd : buf.length;
  const bodyStart = found ? found.bodyStart : buf.length;
  const head = buf.toString("utf8", start, headEnd);
  let lineEnd = head.indexOf("\n");
  if (lineEnd < 0) lineEnd = head.length;
  const firstLine = head.slice(0, lineEnd > 0 && head.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);

  let msg: SipRequest | SipResponse;
  let error: SipParseError | undefined;
  if (looksLikeVersion(firstLine)) {
    msg = parseStatusLine(firstLine);
  } else {
    const r = parseRequestLine(firstLine);
    msg = r.req;
    error = r.error;
  }
  const kind = msg.isRequest ? "request" : "response";
  const fields: HeaderField[] = [];
  const fieldError = readFields(head, lineEnd + 1, fields);
  msg.headers = fields;
  error ??= fieldError;
  if (!found) error ??= new SipParseError("Missing end of headers");

  const cache = msg.cache;
  try {
    parseEager(msg, cache);
  } catch (e) {
    error ??= asParseError(e);
  }
  // Without any Via a response could not be matched by the client (§8.1.3.3): the request is junk.
  // A Via that is present but broken still gets its 400, sent back to the source address.
  if (msg.isRequest && !msg.has("via")) {
    throw (error ?? new SipParseError("Missing Via")).withContext("junk");
  }
  if (!error && msg.isRequest && msg.cseq.method !== msg.method) {
    error = new SipParseError("CSeq method mismatch");
  }
  if (!error) {
    const cl = msg.contentLength;
    const available = buf.length - bodyStart;
    const len = cl ?? (datagram ? available : 0);
    if (len > available) error = new SipParseError("Content-Length too large");
    else msg.body = buf.subarray(bodyStart, bodyStart + len);
  }
  if (error) {
    throw error.withContext(kind, msg.isRequest ? msg : undefined);
  }
  return msg;
}
