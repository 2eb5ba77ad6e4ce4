/**
 * Access control lists: group membership (`grp`) and regular-expression groups (`re_grp`) of the group
 * module, and the permissions module's `address` and `trusted` tables. Operators edit all four (the
 * issue's "edit subscribers/aliases/ACLs").
 *
 * The group module reads its tables on demand (sipd notices table changes by checksum), so group edits
 * need no reload; `address` and `trusted` are cached by the permissions module and mark it changed
 * until permissions.addressReload / trustedReload ran on every node.
 */
import { address, grp, reGrp, toSqlDateTime, trusted } from "@switchboard/db";
import { compileRegex } from "@switchboard/match";
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import {
  addressCreate,
  addressUpdate,
  groupCreate,
  groupUpdate,
  membershipInput,
  reGroupCreate,
  reGroupUpdate,
  trustedCreate,
  trustedUpdate,
} from "../../shared/schemas/acl";
import { idsInput, listInput } from "../../shared/schemas/common";
import { orderBy, pageOf, prefixMatch } from "../list";
import { markChanged } from "../reload";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const now = () => toSqlDateTime(new Date());
const orNull = (s: string) => (s === "" ? null : s);

/** "ali" -> username prefix; "alice@exa" -> username alice, domain prefix exa; also a group prefix. */
function accountSearch(search: string): SQL | undefined {
  if (!search) return undefined;
  const at = search.indexOf("@");
  if (at < 0) return or(prefixMatch(grp.username, search), prefixMatch(grp.grp, search));
  const user = search.slice(0, at);
  const dom = search.slice(at + 1);
  return and(user ? eq(grp.username, user) : undefined, dom ? prefixMatch(grp.domain, dom) : undefined);
}

const groupsRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ grp: z.string().trim().max(64).default("") }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select()
          .from(grp)
          .where(and(input.grp ? eq(grp.grp, input.grp) : undefined, accountSearch(input.search)))
          .orderBy(
            ...orderBy(
              { username: grp.username, grp: grp.grp, lastModified: grp.lastModified, id: grp.id },
              input.sort,
              input.dir,
              grp.id,
            ),
          )
          .limit(limit)
          .offset(offset),
      ),
    ),

  /** Group names in use, for filters and form suggestions. */
  names: viewerProcedure.query(async ({ ctx }) =>
    (await ctx.db.selectDistinct({ g: grp.grp }).from(grp).orderBy(grp.grp).limit(500)).map((r) => r.g),
  ),

  /**
   * One subscriber's groups: rows of `grp`, and the `re_grp` expressions its URI sip:user@domain
   * matches (case-insensitive extended POSIX, as the group module compiles them).
   */
  membership: viewerProcedure.input(membershipInput).query(async ({ ctx, input }) => {
    const groups = await ctx.db
      .select()
      .from(grp)
      .where(and(eq(grp.username, input.username), eq(grp.domain, input.domain)))
      .orderBy(grp.grp);
    const uri = `sip:${input.username}@${input.domain}`;
    const regexGroups = (await ctx.db.select().from(reGrp).orderBy(reGrp.groupId, reGrp.id)).filter((r) => {
      try {
        return compileRegex(r.regExp, "ere", { icase: true }).test(uri);
      } catch {
        return false;
      }
    });
    return { uri, groups, regexGroups };
  }),

  create: operatorProcedure.input(groupCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(grp).values({ ...input, lastModified: now() });
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(groupUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db
      .update(grp)
      .set({ ...values, lastModified: now() })
      .where(eq(grp.id, id));
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(grp).where(inArray(grp.id, input.ids));
    return { deleted: res.affectedRows };
  }),
});

const reGroupsRouter = router({
  list: viewerProcedure.input(listInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(reGrp)
        .where(
          input.search
            ? /^\d+$/.test(input.search)
              ? or(eq(reGrp.groupId, Number(input.search)), prefixMatch(reGrp.regExp, input.search))
              : prefixMatch(reGrp.regExp, input.search)
            : undefined,
        )
        .orderBy(
          ...orderBy(
            { groupId: reGrp.groupId, regExp: reGrp.regExp, id: reGrp.id },
            input.sort,
            input.dir,
            reGrp.id,
          ),
        )
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: operatorProcedure.input(reGroupCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(reGrp).values(input);
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(reGroupUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db.update(reGrp).set(values).where(eq(reGrp.id, id));
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(reGrp).where(inArray(reGrp.id, input.ids));
    return { deleted: res.affectedRows };
  }),
});

const addressRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ grp: z.number().int().min(0).optional() }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select()
          .from(address)
          .where(
            and(
              input.grp === undefined ? undefined : eq(address.grp, input.grp),
              input.search
                ? or(prefixMatch(address.ipAddr, input.search), prefixMatch(address.tag, input.search))
                : undefined,
            ),
          )
          .orderBy(
            ...orderBy(
              { grp: address.grp, ipAddr: address.ipAddr, port: address.port, id: address.id },
              input.sort,
              input.dir,
              address.id,
            ),
          )
          .limit(limit)
          .offset(offset),
      ),
    ),

  create: operatorProcedure.input(addressCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(address).values({ ...input, tag: orNull(input.tag) });
    await markChanged(ctx.db, "permissions");
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(addressUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await ctx.db
      .update(address)
      .set({ ...values, tag: orNull(values.tag) })
      .where(eq(address.id, id));
    await markChanged(ctx.db, "permissions");
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(address).where(inArray(address.id, input.ids));
    await markChanged(ctx.db, "permissions");
    return { deleted: res.affectedRows };
  }),
});

function trustedValues(input: z.infer<typeof trustedCreate>) {
  return {
    srcIp: input.srcIp,
    proto: input.proto,
    fromPattern: orNull(input.fromPattern),
    ruriPattern: orNull(input.ruriPattern),
    tag: orNull(input.tag),
    priority: input.priority,
  };
}

const trustedRouter = router({
  list: viewerProcedure.input(listInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(trusted)
        .where(
          input.search
            ? or(prefixMatch(trusted.srcIp, input.search), prefixMatch(trusted.tag, input.search))
            : undefined,
        )
        .orderBy(
          ...orderBy(
            { srcIp: trusted.srcIp, priority: trusted.priority, proto: trusted.proto, id: trusted.id },
            input.sort,
            input.dir,
            trusted.id,
          ),
        )
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: operatorProcedure.input(trustedCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(trusted).values(trustedValues(input));
    await markChanged(ctx.db, "permissions");
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(trustedUpdate).mutation(async ({ ctx, input }) => {
    await ctx.db.update(trusted).set(trustedValues(input)).where(eq(trusted.id, input.id));
    await markChanged(ctx.db, "permissions");
    return { id: input.id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(trusted).where(inArray(trusted.id, input.ids));
    await markChanged(ctx.db, "permissions");
    return { deleted: res.affectedRows };
  }),
});

export const aclRouter = router({
  groups: groupsRouter,
  reGroups: reGroupsRouter,
  address: addressRouter,
  trusted: trustedRouter,
});
