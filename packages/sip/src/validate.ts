/**
 * Full syntax check of the structured headers this stack knows, for callers that want a message
 * checked completely up front (Kamailio sanity_check style) rather than lazily on first access.
 */
import { parseNameAddr, parseUint } from "./headers.ts";
import { type SipMessage, SipRequest } from "./message.ts";

/** name-addr valued headers that may be comma lists (§20). */
const NAME_ADDR_LISTS = ["route", "record-route", "path", "service-route"];
const UINT32 = new Set(["expires", "min-expires"]);

/**
 * Throws the SipParseError of the first malformed structured header: Request-URI, every Via,
 * From/To, Contact, Route, Record-Route, Path, Service-Route, CSeq, Max-Forwards, Content-Length,
 * Expires and Min-Expires.
 */
export function validateHeaders(msg: SipMessage): void {
  if (msg instanceof SipRequest) void msg.ruri;
  msg.vias();
  void msg.from;
  void msg.to;
  void msg.cseq;
  void msg.maxForwards;
  void msg.contentLength;
  msg.contacts();
  for (const key of NAME_ADDR_LISTS) for (const v of msg.getAll(key)) parseNameAddr(v);
  for (const h of msg.headers) if (UINT32.has(h.key)) parseUint(h.value, 0xffffffff, h.name);
}
