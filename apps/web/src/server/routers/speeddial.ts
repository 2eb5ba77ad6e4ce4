/** `speed_dial` (speeddial module): per-account short numbers, unique per (username, domain, sd_domain, sd_username). */
import { speedDial } from "@switchboard/db";
import { and, eq, inArray } from "drizzle-orm";
import { accountListInput, idsInput } from "../../shared/schemas/common";
import { speedDialCreate, speedDialUpdate } from "../../shared/schemas/speeddial";
import { ofAccount, orderBy, pageOf, prefixMatch } from "../list";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const sortable = { username: speedDial.username, sdUsername: speedDial.sdUsername, id: speedDial.id };

export const speedDialRouter = router({
  list: viewerProcedure.input(accountListInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(speedDial)
        .where(
          and(
            // speed_dial_idx starts with username: a prefix search is a range scan.
            input.search ? prefixMatch(speedDial.username, input.search) : undefined,
            ofAccount(speedDial, input),
          ),
        )
        .orderBy(...orderBy(sortable, input.sort, input.dir, speedDial.id))
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: operatorProcedure.input(speedDialCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(speedDial).values(input);
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(speedDialUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db.update(speedDial).set(values).where(eq(speedDial.id, id));
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(speedDial).where(inArray(speedDial.id, input.ids));
    return { deleted: res.affectedRows };
  }),
});
