/** Reload status and "reload on every node" for the modules that cache table data. */
import { z } from "zod";
import { RELOADABLE_MODULES, reloadEverywhere, reloadStatus } from "../reload";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const moduleInput = z.object({ module: z.enum(RELOADABLE_MODULES) });

export const reloadRouter = router({
  status: viewerProcedure.input(moduleInput).query(({ ctx, input }) => reloadStatus(ctx.db, input.module)),
  run: operatorProcedure
    .input(moduleInput)
    .mutation(async ({ ctx, input }) => ({ nodes: await reloadEverywhere(ctx, input.module) })),
});
