/**
 * First start: when sb_admin is empty, create `admin` with a random password and hand it back once
 * so the start script can print it. There is no default password; later starts return null.
 */
import { type Db, sbAdmin } from "@switchboard/db";
import { createAdmin } from "./admins";
import { randomPassword } from "./password";

export { createAdmin } from "./admins";

export async function ensureFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  const existing = await db.select({ id: sbAdmin.id }).from(sbAdmin).limit(1);
  if (existing.length > 0) return null;
  const username = "admin";
  const password = randomPassword();
  try {
    await createAdmin(db, { username, password, role: "admin" });
  } catch (e) {
    // Two processes racing on first start: the other one created it (unique username) and printed it.
    if ((e as { cause?: { code?: string } }).cause?.code === "ER_DUP_ENTRY") return null;
    throw e;
  }
  return { username, password };
}
