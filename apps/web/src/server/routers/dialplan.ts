/**
 * Dialplan rules (`dialplan`), grouped by dpid and ordered by priority, and the live test box.
 * Edits need the admin role and mark the dialplan module changed until `dialplan.reload` ran on every
 * node. `translate` asks a node (dialplan.translate) and evaluates the table itself to name the rule
 * that matched with @switchboard/match, the code the node loads the table with.
 */
import { dialplan } from "@switchboard/db";
import { buildDialplan, matchRule } from "@switchboard/match";
import { and, asc, count, desc, eq, inArray, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { idsInput, listInput } from "../../shared/schemas/common";
import { dialplanCreate, dialplanTranslate, dialplanUpdate } from "../../shared/schemas/dialplan";
import { pageOf, prefixMatch, sortKeyOf } from "../list";
import { askNode } from "../live";
import { markChanged } from "../reload";
import { adminProcedure, router, viewerProcedure } from "../trpc";

/** Sort keys; dpid, pr and id follow as tie-breakers, so rules of a dpid stay in the order they are tried. */
const sortable = { dpid: dialplan.dpid, pr: dialplan.pr, matchExp: dialplan.matchExp, id: dialplan.id };

function searchCondition(search: string): SQL | undefined {
  if (!search) return undefined;
  return or(
    prefixMatch(dialplan.matchExp, search),
    prefixMatch(dialplan.replExp, search),
    prefixMatch(dialplan.attrs, search),
  );
}

function values(input: z.infer<typeof dialplanCreate>) {
  return {
    dpid: input.dpid,
    pr: input.pr,
    matchOp: input.matchOp,
    matchExp: input.matchExp,
    matchLen: input.matchLen,
    substExp: input.substExp,
    replExp: input.replExp,
    attrs: input.attrs,
  };
}

export const dialplanRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ dpid: z.number().int().min(0).optional() }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) => {
        const key = sortKeyOf(sortable, input.sort, "dpid");
        const by = input.dir === "desc" ? desc : asc;
        return ctx.db
          .select()
          .from(dialplan)
          .where(
            and(
              input.dpid === undefined ? undefined : eq(dialplan.dpid, input.dpid),
              searchCondition(input.search),
            ),
          )
          .orderBy(by(sortable[key]), asc(dialplan.dpid), asc(dialplan.pr), asc(dialplan.id))
          .limit(limit)
          .offset(offset);
      }),
    ),

  /** dpids in use with their rule counts. */
  dpids: viewerProcedure.query(({ ctx }) =>
    ctx.db
      .select({ dpid: dialplan.dpid, rules: count() })
      .from(dialplan)
      .groupBy(dialplan.dpid)
      .orderBy(dialplan.dpid),
  ),

  create: adminProcedure.input(dialplanCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(dialplan).values(values(input));
    await markChanged(ctx.db, "dialplan");
    return { id: res.insertId };
  }),

  update: adminProcedure.input(dialplanUpdate).mutation(async ({ ctx, input }) => {
    await ctx.db.update(dialplan).set(values(input)).where(eq(dialplan.id, input.id));
    await markChanged(ctx.db, "dialplan");
    return { id: input.id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(dialplan).where(inArray(dialplan.id, input.ids));
    await markChanged(ctx.db, "dialplan");
    return { deleted: res.affectedRows };
  }),

  /**
   * The node's answer to `dialplan.translate dpid input` (Output/Attributes, or its fault such as
   * "No translation"), next to the rule the table says matches and the output that rule builds.
   */
  translate: viewerProcedure.input(dialplanTranslate).query(async ({ ctx, input }) => {
    const rules = await ctx.db
      .select()
      .from(dialplan)
      .where(eq(dialplan.dpid, input.dpid))
      .orderBy(asc(dialplan.pr), asc(dialplan.id));
    const built = buildDialplan(rules);
    const table = matchRule(built.data, input.dpid, input.input);
    const answer = await askNode(ctx, input.nodeId, "dialplan.translate", [input.dpid, input.input]);
    const result = answer.result as { Output?: unknown; Attributes?: unknown } | undefined;
    return {
      node: answer.node,
      ok: answer.ok,
      error: answer.error ?? null,
      output: answer.ok ? String(result?.Output ?? "") : null,
      attributes: answer.ok ? String(result?.Attributes ?? "") : null,
      table: table && {
        ruleId: table.rule.id,
        pr: table.rule.pr,
        matchOp: table.rule.matchOp,
        matchExp: table.rule.matchExp,
        matchLen: table.rule.matchLen,
        output: table.output,
        attrs: table.rule.attrs,
        skipped: built.issues.map((i) => ({ id: i.id, error: i.message })),
      },
    };
  }),
});
