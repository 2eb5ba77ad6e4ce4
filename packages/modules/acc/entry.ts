/**
 * acc records: what one row of `acc` / `missed_calls` holds, how to build it from plain values, and
 * which table(s) an ended transaction is written to (the FLT_ACC / FLT_ACCMISSED / FLT_ACCFAILED
 * semantics of Kamailio's acc module as the default kamailio.cfg configures it).
 *
 * ## Flags (default kamailio.cfg, WITH_ACCDB)
 *   modparam("acc", "db_flag",                 FLT_ACC)        FLT_ACC       = 1
 *   modparam("acc", "db_missed_flag",          FLT_ACCMISSED)  FLT_ACCMISSED = 2
 *   modparam("acc", "failed_transaction_flag", FLT_ACCFAILED)  FLT_ACCFAILED = 3
 * Flags are per transaction, stored as the bit mask `1 << flag` (Kamailio's msg flags).
 * The script sets them: FLT_ACC on every initial INVITE; FLT_ACC + FLT_ACCFAILED on in-dialog BYE;
 * FLT_ACCMISSED on an INVITE routed through usrloc (route[LOCATION]).
 *
 * ## Which event writes which table (acc module, tm callbacks)
 * - `acc` row: the transaction ends with a final reply and
 *     - the reply is 2xx and FLT_ACC is set, or
 *     - the reply is >= 300 and FLT_ACCFAILED is set (Kamailio also needs db_flag for the DB engine,
 *       so FLT_ACC must be set as well: the default script sets both on BYE).
 *   So: answered initial INVITEs (code 200) and every in-dialog BYE (whatever its reply) land in acc;
 *   a busy/unanswered/cancelled INVITE does not (FLT_ACCFAILED is not set on INVITE).
 * - `missed_calls` row: an INVITE whose transaction fails (final reply >= 300, including 487 after
 *   CANCEL and 408 on timeout) with FLT_ACCMISSED set. Kamailio writes it from the failure callback,
 *   before failure_route runs; if failure_route re-arms the flag and forwards again (voicemail) a later
 *   failure is written again.
 * - CANCEL and ACK are never accounted (report_cancels = 0, report_ack = 0) and 1xx replies are not
 *   (early_media = 0).
 * - `time` is when the final reply was processed (local wall-clock DATETIME, whole seconds).
 */
import { toSqlDateTime } from "@switchboard/db";

export const FLT_ACC = 1;
export const FLT_ACCMISSED = 2;
export const FLT_ACCFAILED = 3;

/** Kamailio's flag bit mask for a list of flag numbers: flagMask(FLT_ACC, FLT_ACCFAILED). */
export function flagMask(...flags: number[]): number {
  let m = 0;
  for (const f of flags) m |= 1 << f;
  return m;
}

const has = (mask: number, flag: number) => (mask & (1 << flag)) !== 0;

export type AccTable = "acc" | "missed_calls";

/**
 * Tables to write when a transaction of `method` ends with final reply `code`, given the
 * transaction's flags (bit mask). Pure; see the module comment for the rules.
 */
export function accTargets(method: string, code: number, flags: number): AccTable[] {
  if (code < 200) return [];
  const m = method.toUpperCase();
  if (m === "CANCEL" || m === "ACK") return [];
  const out: AccTable[] = [];
  if (has(flags, FLT_ACC) && (code < 300 || has(flags, FLT_ACCFAILED))) out.push("acc");
  if (m === "INVITE" && code >= 300 && has(flags, FLT_ACCMISSED)) out.push("missed_calls");
  return out;
}

/** One acc / missed_calls row: Kamailio's acc columns + the WITH_ACCDB db_extra columns. */
export interface AccRow {
  method: string;
  fromTag: string;
  toTag: string;
  callid: string;
  sipCode: string;
  sipReason: string;
  /** Local wall-clock DATETIME text, "YYYY-MM-DD HH:MM:SS". */
  time: string;
  /** db_extra src_user=$fU */
  srcUser: string;
  /** db_extra src_domain=$fd */
  srcDomain: string;
  /** db_extra src_ip=$si */
  srcIp: string;
  /** db_extra dst_ouser=$tU */
  dstOuser: string;
  /** db_extra dst_user=$rU (after routing changed the R-URI) */
  dstUser: string;
  /** db_extra dst_domain=$rd */
  dstDomain: string;
}

/** Plain values the SIP layer extracts from the request and its final reply. */
export interface AccValues {
  method: string;
  /** From tag of the request. */
  fromTag: string;
  /** To tag: of the request when it has one (in-dialog), else of the final reply. */
  toTag: string;
  callid: string;
  /** Final reply status code. */
  code: number | string;
  /** Final reply reason phrase. */
  reason: string;
  /** Default: now. */
  time?: Date;
  srcUser?: string;
  srcDomain?: string;
  srcIp?: string;
  dstOuser?: string;
  dstUser?: string;
  dstDomain?: string;
}

/** Column widths of acc-create.sql + the WITH_ACCDB ALTERs; longer values are cut, never rejected. */
export const ACC_WIDTHS = {
  method: 16,
  fromTag: 128,
  toTag: 128,
  callid: 255,
  sipCode: 3,
  sipReason: 128,
  srcUser: 64,
  srcDomain: 128,
  srcIp: 64,
  dstOuser: 64,
  dstUser: 64,
  dstDomain: 128,
} as const;

const cut = (s: string | undefined, n: number) => {
  const v = s ?? "";
  return v.length > n ? v.slice(0, n) : v;
};

/**
 * Build a row from plain values. Values are cut to the column widths so a strict-mode server never
 * rejects a row (a rejected batch would otherwise be retried forever).
 */
export function buildAccRow(v: AccValues): AccRow {
  const W = ACC_WIDTHS;
  return {
    method: cut(v.method, W.method),
    fromTag: cut(v.fromTag, W.fromTag),
    toTag: cut(v.toTag, W.toTag),
    callid: cut(v.callid, W.callid),
    sipCode: cut(String(v.code), W.sipCode),
    sipReason: cut(v.reason, W.sipReason),
    time: toSqlDateTime(v.time ?? new Date()),
    srcUser: cut(v.srcUser, W.srcUser),
    srcDomain: cut(v.srcDomain, W.srcDomain),
    srcIp: cut(v.srcIp, W.srcIp),
    dstOuser: cut(v.dstOuser, W.dstOuser),
    dstUser: cut(v.dstUser, W.dstUser),
    dstDomain: cut(v.dstDomain, W.dstDomain),
  };
}
