/**
 * The dashboard: the enabled nodes, and one status card per node (polled by the page; each node is
 * its own query so a slow or dead node never holds the others). Traffic charts come from `stats`.
 */
import { z } from "zod";
import { nodeById, nodeChoices } from "../monitoring/nodes";
import { nodeStatus } from "../monitoring/status";
import { router, viewerProcedure } from "../trpc";

export const dashboardRouter = router({
  nodes: viewerProcedure.query(({ ctx }) => nodeChoices(ctx)),

  node: viewerProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => {
    return nodeStatus(ctx, await nodeById(ctx, input.id));
  }),
});
