/**
 * Password (+ optional TOTP) check with account lockout: MAX_FAILURES wrong answers in a row lock the
 * account for LOCK_MINUTES; the counter restarts after a success or once the lock has run out.
 */
import { type AdminRole, type Db, fromSqlDateTime, sbAdmin, toSqlDateTime } from "@switchboard/db";
import { and, eq, gte, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { hashPassword, verifyPassword } from "./password";
import { verifyTotp } from "./totp";

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

export type LoginOutcome =
  | { status: "ok"; adminId: number; username: string; role: AdminRole }
  | { status: "totp_required" }
  | { status: "invalid"; message: string }
  | { status: "locked"; message: string; until: string };

// Compared against when the username is unknown, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

function lockedMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `Account locked after ${MAX_FAILURES} failed logins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

export async function attemptLogin(
  db: Db,
  creds: { username: string; password: string; totp?: string },
  now = new Date(),
): Promise<LoginOutcome> {
  const [admin] = await db.select().from(sbAdmin).where(eq(sbAdmin.username, creds.username)).limit(1);
  if (!admin) {
    dummyHash ??= hashPassword("not a password");
    await verifyPassword(creds.password, await dummyHash);
    return { status: "invalid", message: "Wrong username or password." };
  }

  const lockedUntil = admin.lockedUntil ? fromSqlDateTime(admin.lockedUntil) : null;
  if (lockedUntil && lockedUntil > now) {
    return { status: "locked", message: lockedMessage(lockedUntil, now), until: admin.lockedUntil! };
  }

  const passwordOk = await verifyPassword(creds.password, admin.passwordHash);
  if (passwordOk && admin.totpSecret && !creds.totp) return { status: "totp_required" };
  const secondFactorOk = !admin.totpSecret || verifyTotp(admin.totpSecret, creds.totp ?? "", now.getTime());

  if (passwordOk && secondFactorOk) {
    await db
      .update(sbAdmin)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: toSqlDateTime(now) })
      .where(eq(sbAdmin.id, admin.id));
    return { status: "ok", adminId: admin.id, username: admin.username, role: admin.role };
  }

  const locked = await countFailure(db, admin.id, now);
  if (locked)
    return { status: "locked", message: lockedMessage(fromSqlDateTime(locked), now), until: locked };
  return {
    status: "invalid",
    message: passwordOk ? "Wrong authentication code." : "Wrong username or password.",
  };
}

/**
 * Counts one failed login and locks the account at MAX_FAILURES; returns the lock's end when it is
 * locked. Counted in the database (failed_logins + 1), never as read-then-write: a burst of parallel
 * wrong guesses must count once each, or a guesser sending them N at a time gets N times the tries.
 */
async function countFailure(db: Db, adminId: number, now: Date): Promise<string | null> {
  const nowSql = toSqlDateTime(now);
  const lockRanOut = and(isNotNull(sbAdmin.lockedUntil), lte(sbAdmin.lockedUntil, nowSql));
  // A lock that has run out starts a fresh count (only one of several parallel requests resets it).
  await db
    .update(sbAdmin)
    .set({ failedLogins: 0, lockedUntil: null })
    .where(and(eq(sbAdmin.id, adminId), lockRanOut));
  await db
    .update(sbAdmin)
    .set({ failedLogins: sql`${sbAdmin.failedLogins} + 1` })
    .where(eq(sbAdmin.id, adminId));
  await db
    .update(sbAdmin)
    .set({ lockedUntil: toSqlDateTime(new Date(now.getTime() + LOCK_MINUTES * 60_000)) })
    .where(
      and(
        eq(sbAdmin.id, adminId),
        gte(sbAdmin.failedLogins, MAX_FAILURES),
        or(isNull(sbAdmin.lockedUntil), lockRanOut),
      ),
    );
  const [row] = await db
    .select({ lockedUntil: sbAdmin.lockedUntil })
    .from(sbAdmin)
    .where(eq(sbAdmin.id, adminId));
  return row?.lockedUntil && fromSqlDateTime(row.lockedUntil) > now ? row.lockedUntil : null;
}
