/**
 * Console sessions: a random cookie token, stored only as its sha256 in sb_session (a leaked table
 * hands out no live session), with a per-session CSRF token and a fixed lifetime.
 */
import { createHash, randomBytes } from "node:crypto";
import { type AdminRole, type Db, fromSqlDateTime, sbAdmin, sbSession, toSqlDateTime } from "@switchboard/db";
import { and, eq, gt, lt } from "drizzle-orm";
import { LastKnown } from "../last-known";

export const SESSION_COOKIE = "sb_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Session {
  id: string;
  adminId: number;
  username: string;
  role: AdminRole;
  csrfToken: string;
  expiresAt: string;
  totpEnabled: boolean;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: Db,
  adminId: number,
  meta: { ip: string; userAgent: string },
  now = new Date(),
): Promise<{ token: string; csrfToken: string; expires: Date }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("hex");
  const expires = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sbSession).values({
    id: hashToken(token),
    adminId,
    csrfToken,
    expiresAt: toSqlDateTime(expires),
    ip: meta.ip.slice(0, 64),
    userAgent: meta.userAgent.slice(0, 255),
  });
  // Housekeeping: expired rows are useless; deleting them here keeps the table small without a timer.
  await db.delete(sbSession).where(lt(sbSession.expiresAt, toSqlDateTime(now)));
  return { token, csrfToken, expires };
}

/** Sessions as last read, for a database outage (see last-known.ts); deleting a session forgets it. */
const lastKnownSessions = new LastKnown<Session | null>();

/** The live session for a cookie token, or null when unknown or expired. */
export async function loadSession(
  db: Db,
  token: string | undefined,
  now = new Date(),
): Promise<Session | null> {
  if (!token || token.length > 200) return null;
  const id = hashToken(token);
  const session = await lastKnownSessions.read(id, () => readSession(db, id, now));
  // A remembered session still expires on time while the database is away.
  return session && fromSqlDateTime(session.expiresAt) > now ? session : null;
}

async function readSession(db: Db, id: string, now: Date): Promise<Session | null> {
  const rows = await db
    .select({
      id: sbSession.id,
      adminId: sbSession.adminId,
      csrfToken: sbSession.csrfToken,
      expiresAt: sbSession.expiresAt,
      username: sbAdmin.username,
      role: sbAdmin.role,
      totpSecret: sbAdmin.totpSecret,
    })
    .from(sbSession)
    .innerJoin(sbAdmin, eq(sbAdmin.id, sbSession.adminId))
    .where(and(eq(sbSession.id, id), gt(sbSession.expiresAt, toSqlDateTime(now))))
    .limit(1);
  const r = rows[0];
  if (!r) return null;
  const { totpSecret, ...rest } = r;
  return { ...rest, totpEnabled: !!totpSecret };
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  lastKnownSessions.forget((id) => id === sessionId);
  await db.delete(sbSession).where(eq(sbSession.id, sessionId));
}

/** Ends every session of an admin (password change, role change, deletion). */
export async function deleteAdminSessions(db: Db, adminId: number): Promise<void> {
  lastKnownSessions.forget((_, s) => s?.adminId === adminId);
  await db.delete(sbSession).where(eq(sbSession.adminId, adminId));
}

/** Set-Cookie value: httpOnly, SameSite=Lax, Secure on https, Max-Age matching the stored expiry. */
export function sessionCookie(token: string, opts: { secure: boolean; maxAgeMs: number }): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeMs / 1000))}`,
  ];
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", { secure, maxAgeMs: 0 });
}

/**
 * Reads one cookie from a Cookie header. A value that is not valid percent-encoding is no cookie
 * (our tokens are base64url), rather than an exception that fails every request carrying it.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
