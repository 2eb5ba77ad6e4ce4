/** Building responses to a request (RFC 3261 §8.2.6) and the default reason phrases (§21). */
import { parseNameAddr } from "./headers.ts";
import { generateTag } from "./ids.ts";
import { type SipRequest, SipResponse } from "./message.ts";

/** RFC 3261 §21 plus the common extensions (RFC 3262, 3265, 3329, 3903, 4028, 5079, 6086 ...). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Trying",
  180: "Ringing",
  181: "Call Is Being Forwarded",
  182: "Queued",
  183: "Session Progress",
  199: "Early Dialog Terminated",
  200: "OK",
  202: "Accepted",
  204: "No Notification",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Moved Temporarily",
  305: "Use Proxy",
  380: "Alternative Service",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  410: "Gone",
  412: "Conditional Request Failed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  415: "Unsupported Media Type",
  416: "Unsupported URI Scheme",
  417: "Unknown Resource-Priority",
  420: "Bad Extension",
  421: "Extension Required",
  422: "Session Interval Too Small",
  423: "Interval Too Brief",
  428: "Use Identity Header",
  429: "Provide Referrer Identity",
  433: "Anonymity Disallowed",
  436: "Bad Identity-Info",
  437: "Unsupported Certificate",
  438: "Invalid Identity Header",
  439: "First Hop Lacks Outbound Support",
  440: "Max-Breadth Exceeded",
  469: "Bad Info Package",
  470: "Consent Needed",
  480: "Temporarily Unavailable",
  481: "Call/Transaction Does Not Exist",
  482: "Loop Detected",
  483: "Too Many Hops",
  484: "Address Incomplete",
  485: "Ambiguous",
  486: "Busy Here",
  487: "Request Terminated",
  488: "Not Acceptable Here",
  489: "Bad Event",
  491: "Request Pending",
  493: "Undecipherable",
  494: "Security Agreement Required",
  500: "Server Internal Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Server Time-out",
  505: "Version Not Supported",
  513: "Message Too Large",
  580: "Precondition Failure",
  600: "Busy Everywhere",
  603: "Decline",
  604: "Does Not Exist Anywhere",
  606: "Not Acceptable",
  607: "Unwanted",
};

/** The §21 phrase for a code, or the class default ("Bad Request" for an unknown 4xx). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? REASON_PHRASES[Math.floor(status / 100) * 100] ?? "Unknown";
}

export interface CreateResponseOptions {
  /** To tag to add when the request's To has none (§8.2.6.2); default: a fresh tag. */
  toTag?: string;
  /** Extra headers appended in order, e.g. [["Server", "sipd"], ["Allow", "INVITE, ACK"]]. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

const COPIED = new Set(["via", "from", "call-id", "cseq"]);

/**
 * A response to `req` per §8.2.6.2: Via (all, in order), From, Call-ID and CSeq copied verbatim,
 * To copied and given a tag when it has none (not for 100 Trying), Content-Length 0.
 * Works on requests that failed to parse (SipParseError.request): fields are copied raw.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason: string = reasonPhrase(status),
  opts: CreateResponseOptions = {},
): SipResponse {
  const res = new SipResponse(status, reason);
  for (const h of req.headers) {
    if (COPIED.has(h.key)) res.headers.push({ ...h });
    else if (h.key === "to") res.headers.push({ ...h, value: toWithTag(h.value, status, opts.toTag) });
  }
  for (const [name, value] of opts.headers ?? []) res.append(name, value);
  res.append("Content-Length", "0");
  return res;
}

function toWithTag(value: string, status: number, toTag: string | undefined): string {
  if (status === 100) return value;
  try {
    if (parseNameAddr(value).tag !== undefined) return value;
  } catch {
    return value; // an unparsable To is echoed unchanged in a 400
  }
  return `${value};tag=${toTag ?? generateTag()}`;
}
