/**
 * Password (+ optional TOTP) check with account lockout: MAX_FAILURES wrong answers in a row lock the
 * account for LOCK_MINUTES; the counter restarts after a success or once the lock has run out.
 */
import { type AdminRole, type Db, fromSqlDateTime, sbAdmin, toSqlDateTime } from "@switchboard/db";
import { eq } from "drizzle-orm";
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
  // A lock that has run out starts a fresh count.
  const priorFailures = lockedUntil ? 0 : admin.failedLogins;

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

  const failures = priorFailures + 1;
  if (failures >= MAX_FAILURES) {
    const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    await db
      .update(sbAdmin)
      .set({ failedLogins: failures, lockedUntil: toSqlDateTime(until) })
      .where(eq(sbAdmin.id, admin.id));
    return { status: "locked", message: lockedMessage(until, now), until: toSqlDateTime(until) };
  }
  await db.update(sbAdmin).set({ failedLogins: failures, lockedUntil: null }).where(eq(sbAdmin.id, admin.id));
  return {
    status: "invalid",
    message: passwordOk ? "Wrong authentication code." : "Wrong username or password.",
  };
}
