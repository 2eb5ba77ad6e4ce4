/** Console accounts (sb_admin): admin role only. The last admin can be neither removed nor demoted. */
import { sbAdmin } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import { adminCreate, adminUpdate } from "../../shared/schemas/admins";
import { idInput, idsInput, listInput } from "../../shared/schemas/common";
import { createAdmin } from "../auth/admins";
import { hashPassword } from "../auth/password";
import { deleteAdminSessions } from "../auth/session";
import { orderBy, pageOf, prefixMatch } from "../list";
import { type AuthedContext, adminProcedure, router } from "../trpc";

const columns = {
  id: sbAdmin.id,
  username: sbAdmin.username,
  role: sbAdmin.role,
  totpEnabled: sql<boolean>`${sbAdmin.totpSecret} IS NOT NULL`.mapWith(Boolean),
  failedLogins: sbAdmin.failedLogins,
  lockedUntil: sbAdmin.lockedUntil,
  createdAt: sbAdmin.createdAt,
  lastLoginAt: sbAdmin.lastLoginAt,
};
const sortable = {
  username: sbAdmin.username,
  role: sbAdmin.role,
  lastLoginAt: sbAdmin.lastLoginAt,
  id: sbAdmin.id,
};

async function otherAdminsExist(ctx: AuthedContext, id: number): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: sbAdmin.id })
    .from(sbAdmin)
    .where(and(eq(sbAdmin.role, "admin"), ne(sbAdmin.id, id)))
    .limit(1);
  return rows.length > 0;
}

export const adminsRouter = router({
  list: adminProcedure.input(listInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select(columns)
        .from(sbAdmin)
        .where(input.search ? prefixMatch(sbAdmin.username, input.search) : undefined)
        .orderBy(...orderBy(sortable, input.sort, input.dir, sbAdmin.id))
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: adminProcedure.input(adminCreate).mutation(async ({ ctx, input }) => ({
    id: await createAdmin(ctx.db, input),
  })),

  update: adminProcedure.input(adminUpdate).mutation(async ({ ctx, input }) => {
    const [old] = await ctx.db.select({ role: sbAdmin.role }).from(sbAdmin).where(eq(sbAdmin.id, input.id));
    if (!old) throw new TRPCError({ code: "NOT_FOUND", message: `admin ${input.id} not found` });
    if (old.role === "admin" && input.role !== "admin" && !(await otherAdminsExist(ctx, input.id))) {
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "the last admin cannot lose the admin role",
      });
    }
    await ctx.db
      .update(sbAdmin)
      .set({
        username: input.username,
        role: input.role,
        ...(input.password
          ? { passwordHash: await hashPassword(input.password), failedLogins: 0, lockedUntil: null }
          : {}),
      })
      .where(eq(sbAdmin.id, input.id));
    // A new password or role applies at the next login, everywhere but in the editor's own session.
    if ((input.password || old.role !== input.role) && input.id !== ctx.session.adminId) {
      await deleteAdminSessions(ctx.db, input.id);
    }
    return { id: input.id };
  }),

  unlock: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.db.update(sbAdmin).set({ failedLogins: 0, lockedUntil: null }).where(eq(sbAdmin.id, input.id));
    return { id: input.id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    if (input.ids.includes(ctx.session.adminId)) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "you cannot delete your own account" });
    }
    const rows = await ctx.db
      .select({ id: sbAdmin.id, role: sbAdmin.role })
      .from(sbAdmin)
      .where(inArray(sbAdmin.id, input.ids));
    if (rows.some((r) => r.role === "admin")) {
      const remaining = await ctx.db
        .select({ id: sbAdmin.id })
        .from(sbAdmin)
        .where(and(eq(sbAdmin.role, "admin"), notInArray(sbAdmin.id, input.ids)))
        .limit(1);
      if (remaining.length === 0) {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "the last admin cannot be deleted" });
      }
    }
    for (const r of rows) await deleteAdminSessions(ctx.db, r.id);
    await ctx.db.delete(sbAdmin).where(inArray(sbAdmin.id, input.ids));
    return { deleted: rows.length };
  }),
});
