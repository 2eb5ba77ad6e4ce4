/** Creating console admins outside the UI: first start, tests, e2e setup. */
import { type AdminRole, type Db, sbAdmin } from "@switchboard/db";
import { hashPassword } from "./password";

export interface NewAdmin {
  username: string;
  password: string;
  role: AdminRole;
}

/** Inserts an admin with a scrypt hash and returns its id. Throws on a duplicate username. */
export async function createAdmin(db: Db, admin: NewAdmin): Promise<number> {
  const [res] = await db.insert(sbAdmin).values({
    username: admin.username,
    passwordHash: await hashPassword(admin.password),
    role: admin.role,
  });
  return res.insertId;
}
