/**
 * Before the specs: the test accounts exist with known passwords and no lock, and each has a saved
 * logged-in browser state, so specs start logged in without going through the login rate limit.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { request } from "@playwright/test";
import { createDb, sbAdmin } from "@switchboard/db";
import { eq } from "drizzle-orm";
import { createAdmin } from "../../apps/web/src/server/auth/admins";
import { hashPassword } from "../../apps/web/src/server/auth/password";
import { ACCOUNTS, type AccountName, BASE_URL, storageStateOf } from "./env";

export default async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("e2e: DATABASE_URL is not set");
  const handle = createDb(url, { connectionLimit: 1 });
  try {
    for (const account of Object.values(ACCOUNTS)) {
      const [existing] = await handle.db.select().from(sbAdmin).where(eq(sbAdmin.username, account.username));
      if (!existing) await createAdmin(handle.db, account);
      else {
        await handle.db
          .update(sbAdmin)
          .set({
            passwordHash: await hashPassword(account.password),
            role: account.role,
            failedLogins: 0,
            lockedUntil: null,
            totpSecret: null,
          })
          .where(eq(sbAdmin.id, existing.id));
      }
    }
  } finally {
    await handle.close();
  }

  for (const name of ["admin", "operator", "viewer"] as AccountName[]) {
    const { username, password } = ACCOUNTS[name];
    const ctx = await request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: BASE_URL } });
    const res = await ctx.post("/api/trpc/auth.login", { data: { username, password } });
    if (!res.ok()) throw new Error(`e2e: login of ${username} failed: ${res.status()} ${await res.text()}`);
    const file = storageStateOf(name);
    mkdirSync(dirname(file), { recursive: true });
    await ctx.storageState({ path: file });
    await ctx.dispose();
  }
}
