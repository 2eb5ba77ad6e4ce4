/**
 * Accounting records: `acc` (every accounted transaction: INVITE/BYE pairs, failed INVITEs with
 * FLT_ACCFAILED) and `missed_calls` (failed INVITEs with FLT_ACCMISSED). Read-only; newest first.
 * See ../accounting/queries.ts for why the order is by primary key.
 */
import { desc, sql } from "drizzle-orm";
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

  /**
   * Whether acc / missed_calls have an index starting with `time`, and their approximate size:
   * without one, date filters and the call charts read the whole table, and the page says how to
   * add it. (Kamailio's schema has none; we never change Kamailio's indexes ourselves.)
   */
  timeIndex: viewerProcedure.query(async ({ ctx }) => {
    const [rows] = await ctx.db.execute(
      sql`SELECT t.TABLE_NAME AS name, t.TABLE_ROWS AS approxRows,
            EXISTS(SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA
              AND s.TABLE_NAME = t.TABLE_NAME AND s.COLUMN_NAME = 'time' AND s.SEQ_IN_INDEX = 1) AS indexed
          FROM information_schema.TABLES t
          WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME IN ('acc', 'missed_calls')`,
    );
    return (rows as unknown as { name: string; approxRows: number | null; indexed: number }[])
      .map((r) => ({
        table: r.name,
        approxRows: Number(r.approxRows ?? 0),
        indexed: Number(r.indexed) === 1,
      }))
      .sort((a, b) => a.table.localeCompare(b.table));
  }),
});
