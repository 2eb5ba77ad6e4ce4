/**
 * Served domains (`domain`) and their attributes (`domain_attrs`), as the domain module loads them.
 * Edits need the admin role and mark the domain module as changed until `domain.reload` ran on every
 * node.
 */
import { domain, domainAttrs, toSqlDateTime } from "@switchboard/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { idsInput, listInput } from "../../shared/schemas/common";
import { domainAttrCreate, domainAttrUpdate, domainCreate, domainUpdate } from "../../shared/schemas/domains";
import { orderBy, pageOf, prefixMatch } from "../list";
import { markChanged } from "../reload";
import { adminProcedure, router, viewerProcedure } from "../trpc";

const sortable = { domain: domain.domain, did: domain.did, lastModified: domain.lastModified, id: domain.id };
const attrSortable = { name: domainAttrs.name, id: domainAttrs.id };
const now = () => toSqlDateTime(new Date());

export const domainsRouter = router({
  list: viewerProcedure.input(listInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(domain)
        .where(input.search ? prefixMatch(domain.domain, input.search) : undefined)
        .orderBy(...orderBy(sortable, input.sort, input.dir, domain.id))
        .limit(limit)
        .offset(offset),
    ),
  ),

  /** Domain names for pickers (subscriber, alias and speed dial forms). */
  names: viewerProcedure.query(async ({ ctx }) =>
    (await ctx.db.select({ d: domain.domain }).from(domain).orderBy(domain.domain).limit(500)).map(
      (r) => r.d,
    ),
  ),

  create: adminProcedure.input(domainCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db
      .insert(domain)
      .values({ domain: input.domain, did: input.did || null, lastModified: now() });
    await markChanged(ctx.db, "domain");
    return { id: res.insertId };
  }),

  update: adminProcedure.input(domainUpdate).mutation(async ({ ctx, input }) => {
    await ctx.db
      .update(domain)
      .set({ domain: input.domain, did: input.did || null, lastModified: now() })
      .where(eq(domain.id, input.id));
    await markChanged(ctx.db, "domain");
    return { id: input.id };
  }),

  delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(domain).where(inArray(domain.id, input.ids));
    await markChanged(ctx.db, "domain");
    return { deleted: res.affectedRows };
  }),

  attrs: router({
    list: viewerProcedure
      .input(listInput.extend({ did: z.string().trim().max(64).default("") }))
      .query(({ ctx, input }) =>
        pageOf(input, (limit, offset) =>
          ctx.db
            .select()
            .from(domainAttrs)
            .where(
              and(
                input.did ? eq(domainAttrs.did, input.did) : undefined,
                input.search ? prefixMatch(domainAttrs.name, input.search) : undefined,
              ),
            )
            .orderBy(...orderBy(attrSortable, input.sort, input.dir, domainAttrs.id))
            .limit(limit)
            .offset(offset),
        ),
      ),

    create: adminProcedure.input(domainAttrCreate).mutation(async ({ ctx, input }) => {
      const [res] = await ctx.db.insert(domainAttrs).values({ ...input, lastModified: now() });
      await markChanged(ctx.db, "domain");
      return { id: res.insertId };
    }),

    update: adminProcedure.input(domainAttrUpdate).mutation(async ({ ctx, input }) => {
      const { id, ...values } = input;
      await ctx.db
        .update(domainAttrs)
        .set({ ...values, lastModified: now() })
        .where(eq(domainAttrs.id, id));
      await markChanged(ctx.db, "domain");
      return { id };
    }),

    delete: adminProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
      const [res] = await ctx.db.delete(domainAttrs).where(inArray(domainAttrs.id, input.ids));
      await markChanged(ctx.db, "domain");
      return { deleted: res.affectedRows };
    }),
  }),
});
