/**
 * Dispatcher sets and destinations (`dispatcher`), and their live state on the nodes.
 *
 * Table edits need the admin role (routing changes, like domains); each marks the dispatcher module
 * changed until `dispatcher.reload` ran on every node (ReloadBanner / reload.run). Setting a
 * destination's state on the nodes is day-to-day operation, open to operators. The live view asks
 * every enabled node for `dispatcher.list` and reads it with normalizeDispatcherList.
 */
import { dispatcher } from "@switchboard/db";
import { normalizeDispatcherList } from "@switchboard/rpc/normalize";
import { and, count, eq, inArray, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { idsInput, listInput } from "../../shared/schemas/common";
import {
  type DispatcherInput,
  dispatcherCreate,
  dispatcherSetState,
  dispatcherUpdate,
  joinDsAttrs,
  setStateArg,
} from "../../shared/schemas/dispatcher";
import { orderBy, pageOf, prefixMatch } from "../list";
import { askEveryNode, nodeById } from "../live";
import { broadcast, callNodeAudited } from "../nodes/broadcast";
import { markChanged } from "../reload";
import { adminProcedure, operatorProcedure, router, viewerProcedure } from "../trpc";

const sortable = {
  setid: dispatcher.setid,
  priority: dispatcher.priority,
  destination: dispatcher.destination,
  id: dispatcher.id,
};

function row(input: DispatcherInput) {
  return {
    setid: input.setid,
    destination: input.destination,
    flags: input.flags,
    priority: input.priority,
    attrs: joinDsAttrs(input),
    description: input.description,
  };
}

/** Prefix of the destination ("sip:10.0.0." or "10.0.0." alike) or of the description. */
function searchCondition(search: string): SQL | undefined {
  if (!search) return undefined;
  const uri = /^sips?:/i.test(search) ? search : `sip:${search}`;
  return or(
    prefixMatch(dispatcher.destination, search),
    prefixMatch(dispatcher.destination, uri),
    prefixMatch(dispatcher.description, search),
  );
}

/** Kamailio answers dispatcher.list with this fault when no set is loaded: that is an empty list. */
const NO_SETS = /No Destination Sets/i;

export const dispatcherRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ setid: z.number().int().min(0).optional() }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select()
          .from(dispatcher)
          .where(
            and(
              input.setid === undefined ? undefined : eq(dispatcher.setid, input.setid),
              searchCondition(input.search),
            ),
          )
          .orderBy(...orderBy(sortable, input.sort, input.dir, dispatcher.id))
          .limit(limit)
          .offset(offset),
      ),
    ),

  /** Every set id with its number of destinations (the table is small: a few hundred rows at most). */
  sets: viewerProcedure.query(({ ctx }) =>
    ctx.db
      .select({ setid: dispatcher.setid, destinations: count() })
      .from(dispatcher)
      .groupBy(dispatcher.setid)
      .orderBy(dispatcher.setid),
  ),

  create: adminProcedure.input(dispatcherCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(dispatcher).values(row(input));
    await markChanged(ctx.db, "dispatcher");
    return { id: res.insertId };
  }),

  update: adminProcedure.input(dispatcherUpdate).mutation(async ({ ctx, input }) => {
    await ctx.db.update(dispatcher).set(row(input)).where(eq(dispatcher.id, input.id));
    await markChanged(ctx.db, "dispatcher");
    return { id: input.id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(dispatcher).where(inArray(dispatcher.id, input.ids));
    await markChanged(ctx.db, "dispatcher");
    return { deleted: res.affectedRows };
  }),

  /** Each enabled node's destinations as loaded, with state and probing (or why the node did not answer). */
  live: viewerProcedure.query(async ({ ctx }) => {
    const answers = await askEveryNode(ctx, "dispatcher.list", [], normalizeDispatcherList);
    return answers.map((a) =>
      !a.ok && NO_SETS.test(a.error ?? "") ? { ...a, ok: true, error: undefined, data: [] } : a,
    );
  }),

  /** dispatcher.set_state on one node, or on every enabled node when nodeId is left out. */
  setState: operatorProcedure.input(dispatcherSetState).mutation(async ({ ctx, input }) => {
    const params = [setStateArg(input.state, input.probing), input.setid, input.destination];
    if (input.nodeId === undefined) return { nodes: await broadcast(ctx, "dispatcher.set_state", params) };
    const node = await nodeById(ctx, input.nodeId);
    return { nodes: [await callNodeAudited(ctx, node, "dispatcher.set_state", params)] };
  }),
});
