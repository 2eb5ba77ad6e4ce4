/**
 * The nodes the console drives (sb_node): sipd or Kamailio RPC endpoints. Tokens are write-only: the
 * list says whether one is set, edits keep it unless a new one is typed.
 */
import { sbNode } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { eq, inArray, sql } from "drizzle-orm";
import { idInput, idsInput, listInput } from "../../shared/schemas/common";
import { nodeCreate, nodeUpdate } from "../../shared/schemas/nodes";
import { orderBy, pageOf, prefixMatch } from "../list";
import { callNodeAudited } from "../nodes/broadcast";
import { forgetNode } from "../reload";
import { adminProcedure, router, viewerProcedure } from "../trpc";

const columns = {
  id: sbNode.id,
  name: sbNode.name,
  url: sbNode.url,
  protocol: sbNode.protocol,
  kind: sbNode.kind,
  enabled: sbNode.enabled,
  hasToken: sql<boolean>`${sbNode.token} <> ''`.mapWith(Boolean),
  createdAt: sbNode.createdAt,
};
const sortable = { name: sbNode.name, kind: sbNode.kind, id: sbNode.id };

export const nodesRouter = router({
  list: viewerProcedure.input(listInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select(columns)
        .from(sbNode)
        .where(input.search ? prefixMatch(sbNode.name, input.search) : undefined)
        .orderBy(...orderBy(sortable, input.sort, input.dir, sbNode.id))
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: adminProcedure.input(nodeCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(sbNode).values(input);
    return { id: res.insertId };
  }),

  update: adminProcedure.input(nodeUpdate).mutation(async ({ ctx, input }) => {
    const { id, token, ...values } = input;
    await ctx.db
      .update(sbNode)
      .set({ ...values, ...(token ? { token } : {}) })
      .where(eq(sbNode.id, id));
    return { id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(sbNode).where(inArray(sbNode.id, input.ids));
    for (const id of input.ids) await forgetNode(ctx.db, id);
    return { deleted: res.affectedRows };
  }),

  /** Asks the node for its version and uptime; the answer (or the error) is shown as is. */
  health: viewerProcedure.input(idInput).query(async ({ ctx, input }) => {
    const [node] = await ctx.db.select().from(sbNode).where(eq(sbNode.id, input.id));
    if (!node) throw new TRPCError({ code: "NOT_FOUND", message: `node ${input.id} not found` });
    const version = await callNodeAudited(ctx, node, "core.version", []);
    if (!version.ok) return { ok: false as const, error: version.error ?? "failed" };
    const uptime = await callNodeAudited(ctx, node, "core.uptime", []);
    return { ok: true as const, version: version.result, uptime: uptime.ok ? uptime.result : null };
  }),
});
