/** Login, logout, the current session, password change and TOTP enrolment. */
import { sbAdmin } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { changePassword, loginInput } from "../../shared/schemas/admins";
import { tryAudit } from "../audit";
import { attemptLogin } from "../auth/login";
import { hashPassword, verifyPassword } from "../auth/password";
import {
  clearedSessionCookie,
  createSession,
  deleteAdminSessions,
  deleteSession,
  SESSION_TTL_MS,
  sessionCookie,
} from "../auth/session";
import { newTotpSecret, otpauthUri, verifyTotp } from "../auth/totp";
import { fieldError } from "../errors";
import { publicProcedure, router, viewerProcedure } from "../trpc";

export const authRouter = router({
  /** The logged-in admin, or null. */
  me: publicProcedure.query(({ ctx }) =>
    ctx.session
      ? {
          username: ctx.session.username,
          role: ctx.session.role,
          csrfToken: ctx.session.csrfToken,
          totpEnabled: ctx.session.totpEnabled,
        }
      : null,
  ),

  login: publicProcedure
    .meta({ audit: false, csrf: "origin" })
    .input(loginInput)
    .mutation(async ({ ctx, input }) => {
      const wait = ctx.loginThrottle.attempt(ctx.req.ip);
      if (wait > 0) {
        throw new TRPCError({
          code: "TOO_MANY_REQUESTS",
          message: `Too many login attempts. Wait ${wait} s.`,
        });
      }
      const outcome = await attemptLogin(ctx.db, input);
      if (outcome.status === "totp_required") return { status: "totp_required" as const };
      const audit = { username: input.username, action: "auth.login", target: ctx.req.ip };
      if (outcome.status !== "ok") {
        await tryAudit(ctx.db, { ...audit, adminId: null, ok: false, details: { reason: outcome.status } });
        throw new TRPCError({
          code: outcome.status === "locked" ? "TOO_MANY_REQUESTS" : "UNAUTHORIZED",
          message: outcome.message,
        });
      }
      const s = await createSession(ctx.db, outcome.adminId, ctx.req);
      ctx.resHeaders?.append(
        "set-cookie",
        sessionCookie(s.token, { secure: ctx.req.secure, maxAgeMs: SESSION_TTL_MS }),
      );
      await tryAudit(ctx.db, { ...audit, adminId: outcome.adminId, ok: true });
      return { status: "ok" as const, username: outcome.username, role: outcome.role };
    }),

  logout: viewerProcedure.mutation(async ({ ctx }) => {
    await deleteSession(ctx.db, ctx.session.id);
    ctx.resHeaders?.append("set-cookie", clearedSessionCookie(ctx.req.secure));
    return { ok: true };
  }),

  /** Any admin may change their own password; other sessions of that admin end. */
  changePassword: viewerProcedure.input(changePassword).mutation(async ({ ctx, input }) => {
    const [me] = await ctx.db.select().from(sbAdmin).where(eq(sbAdmin.id, ctx.session.adminId));
    if (!me || !(await verifyPassword(input.current, me.passwordHash))) {
      throw fieldError("BAD_REQUEST", "current", "current password is wrong");
    }
    await ctx.db
      .update(sbAdmin)
      .set({ passwordHash: await hashPassword(input.next) })
      .where(eq(sbAdmin.id, me.id));
    await deleteAdminSessions(ctx.db, me.id);
    const s = await createSession(ctx.db, me.id, ctx.req);
    ctx.resHeaders?.append(
      "set-cookie",
      sessionCookie(s.token, { secure: ctx.req.secure, maxAgeMs: SESSION_TTL_MS }),
    );
    return { ok: true, csrfToken: s.csrfToken };
  }),

  /** A fresh TOTP secret to show; nothing is stored until totpEnable proves the app has it. */
  totpSetup: viewerProcedure.mutation(({ ctx }) => {
    const secret = newTotpSecret();
    return { secret, uri: otpauthUri(secret, ctx.session.username) };
  }),

  totpEnable: viewerProcedure
    .input(z.object({ secret: z.string().regex(/^[A-Z2-7]{16,64}$/), code: z.string().trim() }))
    .mutation(async ({ ctx, input }) => {
      if (!verifyTotp(input.secret, input.code))
        throw fieldError("BAD_REQUEST", "code", "code does not match; check the phone's clock");
      await ctx.db
        .update(sbAdmin)
        .set({ totpSecret: input.secret })
        .where(eq(sbAdmin.id, ctx.session.adminId));
      return { ok: true };
    }),

  totpDisable: viewerProcedure
    .input(z.object({ password: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const [me] = await ctx.db.select().from(sbAdmin).where(eq(sbAdmin.id, ctx.session.adminId));
      if (!me || !(await verifyPassword(input.password, me.passwordHash))) {
        throw fieldError("BAD_REQUEST", "password", "password is wrong");
      }
      await ctx.db.update(sbAdmin).set({ totpSecret: null }).where(eq(sbAdmin.id, me.id));
      return { ok: true };
    }),
});
