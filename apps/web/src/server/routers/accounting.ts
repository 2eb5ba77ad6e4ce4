/**
 * Accounting records: `acc` (every accounted transaction: INVITE/BYE pairs, failed INVITEs with
 * FLT_ACCFAILED) and `missed_calls` (failed INVITEs with FLT_ACCMISSED). Read-only; newest first.
 * See ../accounting/queries.ts for why the order is by primary key.
 */
import { desc } from "drizzle-orm";
import { accListInput } from "../../shared/schemas/accounting";
import { accColumns, accTable, accWhere } from "../accounting/queries";
import { pageOf } from "../list";
import { router, viewerProcedure } from "../trpc";

export const accountingRouter = router({
  list: viewerProcedure.input(accListInput).query(({ ctx, input }) => {
    const t = accTable(input.table);
    const where = accWhere(t, input);
    // id order is insertion order, i.e. time order for rows the acc writer logs as calls happen;
    // ordering by the unindexed `time` column would sort the whole table for every page.
    const order = input.dir === "asc" && input.sort ? t.id : desc(t.id);
    return pageOf(input, (limit, offset) =>
      ctx.db.select(accColumns(t)).from(t).where(where).orderBy(order).limit(limit).offset(offset),
    );
  }),
});
