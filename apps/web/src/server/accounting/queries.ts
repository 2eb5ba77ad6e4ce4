/**
 * Filters and column lists of the accounting tables, shared by the list procedures and the CSV
 * export, so a download holds exactly the rows the page shows.
 *
 * Speed over millions of rows (no COUNT(*), pages read pageSize+1 rows):
 * - `cdrs` has an index on call_start_time: date ranges are index range scans.
 * - `acc` / `missed_calls` are indexed by callid only (Kamailio's schema; we add no indexes to it).
 *   They are listed newest first by primary key, which is the order the acc writer inserts them
 *   in, so a page is a short backwards walk of the primary key that stops after pageSize+1 matches;
 *   a date filter only decides which of the walked rows match. The search box matches a Call-ID
 *   prefix (callid_idx).
 */
import { acc, cdrs, missedCalls } from "@switchboard/db";
import { and, eq, gte, lte, or, type SQL } from "drizzle-orm";
import type { AccFilter, AccTable, CdrFilter } from "../../shared/schemas/accounting";
import { fieldError } from "../errors";
import { prefixMatch } from "../list";
import { localBound } from "../routers/audit";

export type AccLikeTable = typeof acc | typeof missedCalls;

export const accTable = (name: AccTable): AccLikeTable => (name === "acc" ? acc : missedCalls);

/** The window's bounds as DATETIME text; a window whose end precedes its start is a field error. */
export function windowBounds(f: { from: string; to: string }): { from: string | null; to: string | null } {
  const from = localBound(f.from, false);
  const to = localBound(f.to, true);
  if (from && to && to < from)
    throw fieldError("BAD_REQUEST", "to", "the end of the range is before its start");
  return { from, to };
}

/** "4xx" / "48x" -> "4" / "48"; a full code stays as is. */
export function codePrefix(code: string): string {
  return code.toLowerCase().replace(/x+$/, "");
}

export function accColumns(t: AccLikeTable) {
  return {
    id: t.id,
    time: t.time,
    method: t.method,
    sipCode: t.sipCode,
    sipReason: t.sipReason,
    srcUser: t.srcUser,
    srcDomain: t.srcDomain,
    srcIp: t.srcIp,
    dstOuser: t.dstOuser,
    dstUser: t.dstUser,
    dstDomain: t.dstDomain,
    callid: t.callid,
    fromTag: t.fromTag,
    toTag: t.toTag,
    cdrId: t.cdrId,
  };
}

export function accWhere(t: AccLikeTable, f: AccFilter & { search?: string }): SQL | undefined {
  const { from, to } = windowBounds(f);
  const code = codePrefix(f.code);
  return and(
    from ? gte(t.time, from) : undefined,
    to ? lte(t.time, to) : undefined,
    f.caller ? prefixMatch(t.srcUser, f.caller) : undefined,
    // The callee is the user after routing (dst_user) or as dialled (dst_ouser, e.g. an alias).
    f.callee ? or(prefixMatch(t.dstUser, f.callee), prefixMatch(t.dstOuser, f.callee)) : undefined,
    code ? (code.length === 3 ? eq(t.sipCode, code) : prefixMatch(t.sipCode, code)) : undefined,
    f.method ? eq(t.method, f.method.toUpperCase()) : undefined,
    f.search ? prefixMatch(t.callid, f.search) : undefined,
  );
}

export const cdrColumns = {
  id: cdrs.cdrId,
  callStartTime: cdrs.callStartTime,
  duration: cdrs.duration,
  srcUsername: cdrs.srcUsername,
  srcDomain: cdrs.srcDomain,
  srcIp: cdrs.srcIp,
  dstUsername: cdrs.dstUsername,
  dstOusername: cdrs.dstOusername,
  dstDomain: cdrs.dstDomain,
  cost: cdrs.cost,
  rated: cdrs.rated,
  sipCallId: cdrs.sipCallId,
  sipFromTag: cdrs.sipFromTag,
  sipToTag: cdrs.sipToTag,
  created: cdrs.created,
};

const RATED: Record<CdrFilter["rated"], number | null> = { any: null, rated: 1, unrated: 0, unmatched: -1 };

export function cdrWhere(f: CdrFilter & { search?: string }): SQL | undefined {
  const { from, to } = windowBounds(f);
  const rated = RATED[f.rated];
  return and(
    from ? gte(cdrs.callStartTime, from) : undefined,
    to ? lte(cdrs.callStartTime, to) : undefined,
    f.caller ? prefixMatch(cdrs.srcUsername, f.caller) : undefined,
    f.callee
      ? or(prefixMatch(cdrs.dstUsername, f.callee), prefixMatch(cdrs.dstOusername, f.callee))
      : undefined,
    f.minDuration > 0 ? gte(cdrs.duration, f.minDuration) : undefined,
    rated === null ? undefined : eq(cdrs.rated, rated),
    // uk_cft starts with sip_call_id: a Call-ID prefix is an index range scan.
    f.search ? prefixMatch(cdrs.sipCallId, f.search) : undefined,
  );
}
