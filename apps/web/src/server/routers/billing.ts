/**
 * Billing rates (`billing_rates`): the longest prefix of a CDR's callee in its rate group sets the
 * cost per started time unit. Edits need the admin role; CDRs already rated keep their cost until
 * they are rated again (CDRs page, "rate all").
 */
import { billingRates } from "@switchboard/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { billingRateCreate, billingRateUpdate } from "../../shared/schemas/accounting";
import { idsInput, listInput } from "../../shared/schemas/common";
import { orderBy, pageOf, prefixMatch } from "../list";
import { adminProcedure, router, viewerProcedure } from "../trpc";

const columns = {
  id: billingRates.rateId,
  rateGroup: billingRates.rateGroup,
  prefix: billingRates.prefix,
  rateUnit: billingRates.rateUnit,
  timeUnit: billingRates.timeUnit,
};
const sortable = {
  prefix: billingRates.prefix,
  rateGroup: billingRates.rateGroup,
  rateUnit: billingRates.rateUnit,
  timeUnit: billingRates.timeUnit,
  id: billingRates.rateId,
};

export const billingRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ rateGroup: z.string().trim().max(64).default("") }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select(columns)
          .from(billingRates)
          .where(
            and(
              input.rateGroup ? eq(billingRates.rateGroup, input.rateGroup) : undefined,
              input.search ? prefixMatch(billingRates.prefix, input.search) : undefined,
            ),
          )
          .orderBy(...orderBy(sortable, input.sort, input.dir, billingRates.rateId))
          .limit(limit)
          .offset(offset),
      ),
    ),

  /** Rate group names for the filter and the form. */
  groups: viewerProcedure.query(async ({ ctx }) =>
    (
      await ctx.db
        .selectDistinct({ g: billingRates.rateGroup })
        .from(billingRates)
        .orderBy(billingRates.rateGroup)
        .limit(500)
    ).map((r) => r.g),
  ),

  create: adminProcedure.input(billingRateCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(billingRates).values(input);
    return { id: res.insertId };
  }),

  update: adminProcedure.input(billingRateUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db.update(billingRates).set(values).where(eq(billingRates.rateId, id));
    return { id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(billingRates).where(inArray(billingRates.rateId, input.ids));
    return { deleted: res.affectedRows };
  }),
});
