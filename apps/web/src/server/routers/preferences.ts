/**
 * User preferences (`usr_preferences`, avpops): attributes the routing script loads per user. Read on
 * every avp_db_load, so edits need no reload. Operators edit them, like the rest of a subscriber's
 * data. The search uses the uda_idx index (username, domain, attribute) or ua_idx (uuid, attribute).
 */
import { toSqlDateTime, usrPreferences } from "@switchboard/db";
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { idsInput, listInput } from "../../shared/schemas/common";
import { preferenceCreate, preferenceUpdate } from "../../shared/schemas/preferences";
import { orderBy, pageOf, prefixMatch } from "../list";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const sortable = {
  username: usrPreferences.username,
  attribute: usrPreferences.attribute,
  lastModified: usrPreferences.lastModified,
  id: usrPreferences.id,
};

/** "ali" -> username or uuid prefix; "alice@exa" -> username alice, domain prefix exa. */
function searchCondition(search: string): SQL | undefined {
  if (!search) return undefined;
  const at = search.indexOf("@");
  if (at < 0)
    return or(prefixMatch(usrPreferences.username, search), prefixMatch(usrPreferences.uuid, search));
  const user = search.slice(0, at);
  const dom = search.slice(at + 1);
  return and(
    user ? eq(usrPreferences.username, user) : undefined,
    dom ? prefixMatch(usrPreferences.domain, dom) : undefined,
  );
}

export const preferencesRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ attribute: z.string().trim().max(32).default("") }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select()
          .from(usrPreferences)
          .where(
            and(
              input.attribute ? eq(usrPreferences.attribute, input.attribute) : undefined,
              searchCondition(input.search),
            ),
          )
          .orderBy(...orderBy(sortable, input.sort, input.dir, usrPreferences.id))
          .limit(limit)
          .offset(offset),
      ),
    ),

  /** Attribute names in use, for the filter and the form's suggestions. */
  attributes: viewerProcedure.query(async ({ ctx }) =>
    (
      await ctx.db
        .selectDistinct({ a: usrPreferences.attribute })
        .from(usrPreferences)
        .orderBy(usrPreferences.attribute)
        .limit(500)
    ).map((r) => r.a),
  ),

  create: operatorProcedure.input(preferenceCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db
      .insert(usrPreferences)
      .values({ ...input, lastModified: toSqlDateTime(new Date()) });
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(preferenceUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db
      .update(usrPreferences)
      .set({ ...values, lastModified: toSqlDateTime(new Date()) })
      .where(eq(usrPreferences.id, id));
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(usrPreferences).where(inArray(usrPreferences.id, input.ids));
    return { deleted: res.affectedRows };
  }),
});
