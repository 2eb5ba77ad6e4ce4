/**
 * Helpers for procedure tests: a context as the route handler would build it, for an admin of a given
 * role with a real session row, or for an anonymous caller.
 */
import { randomBytes } from "node:crypto";
import { type Config, parseConfig } from "@switchboard/config";
import type { AdminRole, Db } from "@switchboard/db";
import { createAdmin } from "./auth/admins";
import { LoginThrottle } from "./auth/rate-limit";
import { createSession, loadSession } from "./auth/session";
import type { Context } from "./context";
import type { NodeCaller } from "./nodes/caller";
import { rpcNodeCaller } from "./nodes/rpc-caller";
import { appRouter } from "./routers/_app";
import { createCallerFactory } from "./trpc";

export const createCaller = createCallerFactory(appRouter);

export interface TestContextOptions {
  /** null: not logged in. */
  role?: AdminRole | null;
  config?: Config;
  callNode?: NodeCaller;
  /** false: the request looks cross-site (no Sec-Fetch-Site same-origin, foreign Origin). */
  sameOrigin?: boolean;
  /** false: the x-csrf-token header is missing. */
  csrf?: boolean;
  ip?: string;
}

export async function testContext(db: Db, opts: TestContextOptions = {}): Promise<Context> {
  const role = opts.role === undefined ? "admin" : opts.role;
  let session: Context["session"] = null;
  if (role) {
    const username = `${role}-${randomBytes(4).toString("hex")}`;
    const id = await createAdmin(db, { username, password: "test-password-1", role });
    const s = await createSession(db, id, { ip: "127.0.0.1", userAgent: "test" });
    session = await loadSession(db, s.token);
  }
  return {
    db,
    config: opts.config ?? parseConfig({}),
    session,
    sessionError: null,
    req: {
      ip: opts.ip ?? "127.0.0.1",
      userAgent: "test",
      csrfToken: opts.csrf === false ? null : (session?.csrfToken ?? null),
      sameOrigin: opts.sameOrigin ?? true,
      secure: false,
    },
    resHeaders: new Headers(),
    loginThrottle: new LoginThrottle({ perClient: 1000, overall: 1000, windowMs: 60_000 }),
    callNode: opts.callNode ?? rpcNodeCaller,
  };
}

/** A caller for `role` (or anonymous with null) on `db`. */
export async function callerFor(db: Db, role: AdminRole | null, opts: Omit<TestContextOptions, "role"> = {}) {
  const ctx = await testContext(db, { ...opts, role });
  return { ctx, caller: createCaller(ctx) };
}
