/**
 * Helpers for procedure tests: a context as the route handler would build it, for an admin of a given
 * role with a real session row, or for an anonymous caller.
 */
import { randomBytes } from "node:crypto";
import { type Config, parseConfig } from "@switchboard/config";
import type { AdminRole, Db } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { createAdmin } from "./auth/admins";
import { LoginThrottle } from "./auth/rate-limit";
import { createSession, loadSession } from "./auth/session";
import type { Context } from "./context";
import type { NodeCaller } from "./nodes/caller";
import { rpcNodeCaller } from "./nodes/rpc-caller";
import { appRouter } from "./routers/_app";
import { createCallerFactory } from "./trpc";

export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface ProcedureInfo {
  /** Dotted path, e.g. "acl.groups.list". */
  path: string;
  type: "query" | "mutation" | "subscription";
  /** The zod schemas given to .input(), in order (empty for procedures without input). */
  inputs: unknown[];
}

/**
 * Every procedure of the app router. Tests that walk this list (roles, hardening) cover a new
 * procedure the day it is added.
 */
export const allProcedures: ProcedureInfo[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: Omit<ProcedureInfo, "path"> }>,
).map(([path, p]) => ({ path, type: p._def.type, inputs: p._def.inputs ?? [] }));

/** Procedures anyone may call: the login form needs them before there is a session. */
export const PUBLIC_PROCEDURES = new Set(["auth.me", "auth.login"]);

/** Calls the procedure at a dotted path through a caller. */
export function invokePath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: walking the caller proxy by a dotted path
  let fn: any = caller;
  for (const part of path.split(".")) fn = fn[part];
  return fn(input);
}

/** "OK", the TRPCError code of a refusal, or "unexpected <message>" for any other throw. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `unexpected ${(e as Error).message}`;
  }
}

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
