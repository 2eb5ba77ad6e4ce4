/**
 * tRPC setup: procedures by role, CSRF and same-origin checks on every mutation, database error
 * mapping, and an audit row for every mutation.
 *
 * Role ladder: admin > operator > viewer. `viewerProcedure` is for reads, `operatorProcedure` for the
 * day-to-day edits (subscribers, aliases, ACLs, reloads), `adminProcedure` for everything else. Every
 * procedure picks one, so the rule holds for API callers too, not only in the UI.
 */
import { timingSafeEqual } from "node:crypto";
import type { AdminRole } from "@switchboard/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { hasRole } from "../shared/roles";
import { auditTarget, tryAudit } from "./audit";
import type { Context } from "./context";
import { FieldErrors, mapDbError } from "./errors";

export interface Meta {
  /** false: the procedure writes its own audit rows (login). */
  audit?: boolean;
  /**
   * "origin": only the same-origin check applies (login, which runs before there is a CSRF token and
   * must also work with a stale cookie still in the browser).
   */
  csrf?: "origin";
}

function zodFieldErrors(e: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of e.issues) {
    const key = issue.path.join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fieldErrors =
        cause instanceof ZodError
          ? zodFieldErrors(cause)
          : cause instanceof FieldErrors
            ? cause.fields
            : null;
      const message = cause instanceof ZodError ? z.prettifyError(cause) : shape.message;
      return { ...shape, message, data: { ...shape.data, fieldErrors, stack: undefined } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

function tokensMatch(a: string | null, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Driver errors -> CONFLICT with a field message, SERVICE_UNAVAILABLE, or a readable BAD_REQUEST. */
const mapErrors = t.middleware(async ({ next, getRawInput }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = mapDbError(result.error.cause ?? result.error, await getRawInput().catch(() => undefined));
    if (mapped) throw mapped;
  }
  return result;
});

/**
 * Mutations must come from a page of this console (Sec-Fetch-Site/Origin) and, once logged in, carry
 * the session's CSRF token in x-csrf-token. SameSite cookies alone leave same-site subdomains open.
 */
const csrfGuard = t.middleware(({ ctx, type, meta, next }) => {
  if (type === "mutation") {
    if (!ctx.req.sameOrigin)
      throw new TRPCError({ code: "FORBIDDEN", message: "cross-site request refused" });
    if (ctx.session && meta?.csrf !== "origin" && !tokensMatch(ctx.req.csrfToken, ctx.session.csrfToken)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "missing or invalid CSRF token; reload the page" });
    }
  }
  return next();
});

/** One sb_audit row per mutation by a logged-in admin, successful or not. */
const auditMutations = t.middleware(async ({ ctx, type, path, meta, next, getRawInput }) => {
  if (type !== "mutation" || meta?.audit === false || !ctx.session) return next();
  const result = await next();
  const input = await getRawInput().catch(() => undefined);
  let error: string | undefined;
  if (!result.ok) {
    const cause = result.error.cause;
    error =
      cause instanceof ZodError
        ? Object.entries(zodFieldErrors(cause))
            .map(([k, m]) => `${k}: ${m}`)
            .join("; ")
        : (mapDbError(cause, input) ?? result.error).message;
  }
  await tryAudit(ctx.db, {
    adminId: ctx.session.adminId,
    username: ctx.session.username,
    action: path,
    target: auditTarget(input),
    details: error ? { input, error } : { input },
    ok: result.ok,
  });
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors).use(csrfGuard).use(auditMutations);

const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    if (ctx.sessionError) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "database unavailable: cannot check the session",
      });
    }
    throw new TRPCError({ code: "UNAUTHORIZED", message: "not logged in" });
  }
  return next({ ctx: { ...ctx, session: ctx.session } });
});

function roleProcedure(needed: AdminRole) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.session.role, needed)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `this needs the ${needed} role (you are ${ctx.session.role})`,
      });
    }
    return next();
  });
}

export const viewerProcedure = roleProcedure("viewer");
export const operatorProcedure = roleProcedure("operator");
export const adminProcedure = roleProcedure("admin");

export type AuthedContext = Context & { session: NonNullable<Context["session"]> };
