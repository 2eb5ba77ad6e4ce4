/**
 * Registered contacts for the Registrations page: live from a node's `ul.dump`, or, when the node
 * does not answer (or none is configured), from the `location` table, which is only as current as
 * the node's usrloc db_mode makes it. Both come out as the same ContactRow.
 */
import { type Db, fromSqlDateTime, location, USRLOC_EXPIRES_DEFAULT } from "@switchboard/db";
import { normalizeUlDump, type UlContactRow } from "@switchboard/rpc/normalize";
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { prefixMatch, sortKeyOf } from "../list";
import type { NodeTarget } from "../nodes/caller";
import { forget, memo } from "../stats/memo";
import type { AuthedContext } from "../trpc";
import { readNode } from "./nodes";

export interface ContactRow {
  id: number;
  /** usrloc table ("location"). */
  table: string;
  aor: string;
  contact: string;
  /** Seconds left when read; null with a note ("permanent", "expired"). */
  expires: number | null;
  expiresNote: string | null;
  q: number | null;
  userAgent: string;
  received: string | null;
  socket: string | null;
  path: string | null;
  callId: string;
  cseq: number;
  ruid: string;
  instance: string | null;
}

export type ContactSource =
  | { kind: "live"; node: NodeTarget; rows: ContactRow[] }
  | { kind: "table"; node: NodeTarget | null; error: string | null };

export function fromUlContact(r: UlContactRow, i: number): ContactRow {
  return {
    id: i + 1,
    table: r.table,
    aor: r.aor,
    contact: r.address,
    expires: r.expires,
    expiresNote: r.expiresNote,
    q: r.q,
    userAgent: r.userAgent,
    received: r.received,
    socket: r.socket,
    path: r.path,
    callId: r.callId,
    cseq: r.cseq,
    ruid: r.ruid,
    instance: r.instance,
  };
}

const dumpKey = (node: NodeTarget) => `ul.dump:${node.id}`;

/** After a contact was removed: the next read asks the node again. */
export const forgetDump = (ctx: AuthedContext, node: NodeTarget) => forget(ctx.db, dumpKey(node));

/**
 * The node's contacts (one ul.dump shared for 2 s by the list and the summary of one page load),
 * or the reason to fall back to the table.
 */
export async function contactSource(ctx: AuthedContext, node: NodeTarget | null): Promise<ContactSource> {
  if (!node) return { kind: "table", node: null, error: null };
  const res = await memo(ctx.db, dumpKey(node), 2000, () => readNode(ctx, node, "ul.dump", []));
  if (!res.ok) return { kind: "table", node, error: res.error ?? "no answer" };
  return { kind: "live", node, rows: normalizeUlDump(res.result).map(fromUlContact) };
}

const text = (v: string | null | undefined) => (v ?? "").toLowerCase();

/** Live rows matching a case-insensitive substring of AoR, contact, user agent or received. */
export function filterContacts(rows: ContactRow[], search: string): ContactRow[] {
  const s = search.trim().toLowerCase();
  if (!s) return rows;
  return rows.filter(
    (r) =>
      text(r.aor).includes(s) ||
      text(r.contact).includes(s) ||
      text(r.userAgent).includes(s) ||
      text(r.received).includes(s),
  );
}

const LIVE_SORT: Record<string, (r: ContactRow) => string | number> = {
  aor: (r) => r.aor.toLowerCase(),
  expires: (r) => r.expires ?? Number.MAX_SAFE_INTEGER,
  userAgent: (r) => r.userAgent.toLowerCase(),
  q: (r) => r.q ?? -1,
};

export function sortContacts(
  rows: ContactRow[],
  sort: string | undefined,
  dir: "asc" | "desc",
): ContactRow[] {
  const key = LIVE_SORT[sortKeyOf(LIVE_SORT, sort, "aor")];
  const sign = dir === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * sign;
  });
}

/** A `location` row as a ContactRow; expires in seconds from `now`. */
function fromLocation(r: typeof location.$inferSelect, now: Date): ContactRow {
  const permanent =
    r.expires === USRLOC_EXPIRES_DEFAULT ||
    r.expires.startsWith("1970-01-01") ||
    r.expires.startsWith("0000");
  const left = permanent ? null : Math.round((fromSqlDateTime(r.expires).getTime() - now.getTime()) / 1000);
  return {
    id: r.id,
    table: "location",
    aor: r.domain ? `${r.username}@${r.domain}` : r.username,
    contact: r.contact,
    expires: left !== null && left > 0 ? left : null,
    expiresNote: permanent ? "permanent" : left !== null && left <= 0 ? "expired" : null,
    q: r.q < 0 ? null : r.q,
    userAgent: r.userAgent,
    received: r.received || null,
    socket: r.socket || null,
    path: r.path || null,
    callId: r.callid,
    cseq: r.cseq,
    ruid: r.ruid,
    instance: r.instance || null,
  };
}

/** "alice" -> username prefix; "alice@exa" -> username alice, domain prefix (account_contact_idx). */
function locationSearch(search: string): SQL | undefined {
  const s = search.trim();
  if (!s) return undefined;
  const at = s.indexOf("@");
  if (at < 0) return prefixMatch(location.username, s);
  return and(
    eq(location.username, s.slice(0, at)),
    s.length > at + 1 ? prefixMatch(location.domain, s.slice(at + 1)) : undefined,
  );
}

const TABLE_SORT = { aor: location.username, expires: location.expires, id: location.id };

/** One page of the location table (pageSize+1 rows read, as every list). */
export async function locationPage(
  db: Db,
  input: { search: string; sort?: string; dir: "asc" | "desc"; limit: number; offset: number },
  now = new Date(),
): Promise<ContactRow[]> {
  const col = TABLE_SORT[sortKeyOf(TABLE_SORT, input.sort, "aor")];
  const by = input.dir === "desc" ? desc : asc;
  const rows = await db
    .select()
    .from(location)
    .where(locationSearch(input.search))
    .orderBy(by(col), by(location.id))
    .limit(input.limit)
    .offset(input.offset);
  return rows.map((r) => fromLocation(r, now));
}

/** Every location row (bounded), for the summary charts in table mode. */
export async function locationAll(db: Db, cap: number, now = new Date()): Promise<ContactRow[]> {
  const rows = await db.select().from(location).orderBy(location.id).limit(cap);
  return rows.map((r) => fromLocation(r, now));
}

/** UDP / TCP / TLS / WS / WSS / SCTP of a contact: its socket's protocol, else its URI. */
export function transportOf(r: Pick<ContactRow, "socket" | "contact">): string {
  const sock = /^(udp|tcp|tls|sctp|ws|wss):/i.exec(r.socket ?? "");
  if (sock) return sock[1].toUpperCase();
  const param = /;transport=([a-z]+)/i.exec(r.contact);
  if (param) return param[1].toUpperCase();
  return /^sips:/i.test(r.contact) ? "TLS" : "UDP";
}

export interface ContactSummary {
  contacts: number;
  users: number;
  userAgents: { label: string; count: number }[];
  contactsPerUser: { label: string; count: number }[];
  transports: { label: string; count: number }[];
}

const countBy = <T>(rows: T[], key: (r: T) => string) => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
};
const byCount = (m: Map<string, number>) =>
  [...m]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

/** Siremis's usrloc statistics: user agents (top 8 + other), contacts per user, transports. */
export function summarizeContacts(rows: ContactRow[]): ContactSummary {
  const perUser = countBy(rows, (r) => r.aor.toLowerCase());
  const agents = byCount(countBy(rows, (r) => r.userAgent || "(none)"));
  const top = agents.slice(0, 8);
  const other = agents.slice(8).reduce((a, x) => a + x.count, 0);
  const classes = countBy([...perUser.values()], (n) => (n >= 4 ? "4+" : String(n)));
  return {
    contacts: rows.length,
    users: perUser.size,
    userAgents: other ? [...top, { label: "other", count: other }] : top,
    contactsPerUser: ["1", "2", "3", "4+"].map((label) => ({ label, count: classes.get(label) ?? 0 })),
    transports: byCount(countBy(rows, transportOf)),
  };
}
