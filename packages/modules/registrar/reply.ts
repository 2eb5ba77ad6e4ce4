/**
 * The registrar's reply to a REGISTER (Kamailio registrar reply.c): status, reason and the headers to add,
 * with the Contact header listing every valid binding of the AoR (RFC 3261 §10.3 step 8).
 */
import { isValidContact, type UContact } from "../usrloc/index.ts";
import type { RegistrarParams } from "./params.ts";
import { formatQ } from "./qvalue.ts";
import { REASONS, RERRNO, type Rerrno } from "./rerrno.ts";

export interface ReplyHeader {
  name: string;
  value: string;
}

export interface SaveReply {
  /** Kamailio's save() return: 1 added, 2 updated, 3 removed, 4 listed; -1 error, -2 too many contacts. */
  code: number;
  status: number;
  reason: string;
  /** Headers to add to the reply, in order (Contact, Path, Min-Expires, P-Registrar-Error, ...). */
  headers: ReplyHeader[];
  /** The valid bindings the Contact header lists. */
  bindings: readonly UContact[];
  rerrno: Rerrno;
}

/**
 * One Contact value per valid binding: <uri>;q=..;expires=<seconds left>;received="..";+sip.instance="..";
 * reg-id=N, joined with ", " into a single header like build_contact() does.
 */
export function contactHeaderValue(
  bindings: readonly UContact[],
  nowSec: number,
  p: RegistrarParams,
): string {
  const parts: string[] = [];
  for (const b of bindings) {
    if (!isValidContact(b, nowSec)) continue;
    let s = `<${b.contact}>`;
    const q = formatQ(b.q);
    if (q) s += `;q=${q}`;
    // Permanent bindings (ul.add with expires 0) have no end; show the longest allowed registration.
    s += `;expires=${b.expires === 0 ? p.max_expires || p.default_expires : b.expires - nowSec}`;
    if (p.received_param && b.received) s += `;${p.received_param}="${b.received}"`;
    if (b.instance) s += `;+sip.instance="${b.instance}"`;
    if (b.regId > 0) s += `;reg-id=${b.regId}`;
    parts.push(s);
  }
  return parts.join(", ");
}

export interface ReplyInput {
  rerrno: Rerrno;
  code: number;
  bindings: readonly UContact[];
  /** The Path vector of the REGISTER (use_path), echoed when the UA supports path. */
  path: string;
  supportsPath: boolean;
}

export function buildReply(r: ReplyInput, nowSec: number, p: RegistrarParams): SaveReply {
  const [status, info] = RERRNO[r.rerrno];
  const headers: ReplyHeader[] = [];
  const valid = r.bindings.filter((b) => isValidContact(b, nowSec));
  if (valid.length) headers.push({ name: "Contact", value: contactHeaderValue(valid, nowSec, p) });
  // RFC 3327 §5.3: the registrar returns the Path it stored when the UA said it supports path.
  if (r.path && p.path_mode !== 0 && (r.supportsPath || r.rerrno === "PATH_UNSUP"))
    headers.push({ name: "Path", value: r.path });
  if (r.rerrno === "PATH_UNSUP") headers.push({ name: "Unsupported", value: "path" });
  if (r.rerrno === "LOW_EXP") headers.push({ name: "Min-Expires", value: String(p.min_expires) });
  if (status !== 200) {
    headers.push({ name: "P-Registrar-Error", value: info });
    if (status >= 500 && p.retry_after > 0)
      headers.push({ name: "Retry-After", value: String(p.retry_after) });
  }
  return { code: r.code, status, reason: REASONS[status], headers, bindings: valid, rerrno: r.rerrno };
}
