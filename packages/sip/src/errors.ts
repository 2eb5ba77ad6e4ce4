import type { SipRequest } from "./message.ts";

/**
 * A message (or one of its headers) that does not follow the RFC 3261 §25 grammar.
 * `reason` is short and printable so it can go straight into a `400 <reason>` status line.
 *
 * `kind` tells the transport what to do with the message (RFC 3261 §8.2, §18.1.2):
 * - "junk": not recognisable as SIP, or a request without any Via: drop it silently.
 * - "request": a request that can be answered; `request` holds what parsed (first line and all
 *   header fields as raw values) so `createResponse(err.request, err.status, err.reason)` works.
 *   When its top Via itself is broken (`request.via` throws), answer to the source address.
 * - "response": a broken response: drop it.
 */
export class SipParseError extends Error {
  override readonly name = "SipParseError";
  constructor(
    readonly reason: string,
    readonly kind: "junk" | "request" | "response" = "junk",
    /** Status to answer with: 400, or 505 for an unsupported SIP version (RFC 3261 §8.2.x). */
    readonly status = 400,
    readonly request?: SipRequest,
  ) {
    super(reason);
  }

  /** The same error, now known to belong to a request (or response) that parsed this far. */
  withContext(kind: "junk" | "request" | "response", request?: SipRequest): SipParseError {
    return new SipParseError(this.reason, kind, this.status, request);
  }
}
