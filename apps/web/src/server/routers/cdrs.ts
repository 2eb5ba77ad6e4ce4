/**
 * CDRs (`cdrs`, Siremis's table): the list with date range / caller / callee filters, and the CDR
 * job: "generate CDRs now" from new acc rows, or rate CDRs with billing_rates, with progress.
 */
import { cdrs } from "@switchboard/db";
import { z } from "zod";
import { cdrJobInput, cdrListInput } from "../../shared/schemas/accounting";
import { jobOf, startJob } from "../accounting/jobs";
import { cdrColumns, cdrWhere } from "../accounting/queries";
import { orderBy, pageOf } from "../list";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

/** call_start_time and cdr_id are indexed; duration and cost sort the filtered range. */
const sortable = {
  callStartTime: cdrs.callStartTime,
  id: cdrs.cdrId,
  duration: cdrs.duration,
  cost: cdrs.cost,
};

export const cdrsRouter = router({
  list: viewerProcedure.input(cdrListInput).query(({ ctx, input }) => {
    const where = cdrWhere(input);
    const sort = input.sort ?? "callStartTime";
    const dir = input.sort ? input.dir : "desc";
    return pageOf(input, (limit, offset) =>
      ctx.db
        .select(cdrColumns)
        .from(cdrs)
        .where(where)
        .orderBy(...orderBy(sortable, sort, dir, cdrs.cdrId))
        .limit(limit)
        .offset(offset),
    );
  }),

  /** Starts "generate CDRs now" or a rating run; poll `job` for progress. */
  startJob: operatorProcedure.input(cdrJobInput).mutation(({ ctx, input }) => startJob(ctx, input)),

  /** The running or last finished job of a kind (null before the first one). */
  job: viewerProcedure
    .input(z.object({ kind: cdrJobInput.shape.kind }))
    .query(({ input }) => jobOf(input.kind)),
});
