/**
 * `dbaliases` (alias_db): alias_username@alias_domain resolves to username@domain. Kamailio declares
 * no unique key, but one alias pointing to two accounts makes alias_db_lookup() ambiguous, so the
 * console refuses a second row for the same alias.
 */

import type { Db } from "@switchboard/db";
import { dbaliases } from "@switchboard/db";
import { and, eq, inArray, ne } from "drizzle-orm";
import { aliasCreate, aliasUpdate } from "../../shared/schemas/aliases";
import { accountListInput, idsInput } from "../../shared/schemas/common";
import { fieldError } from "../errors";
import { ofAccount, orderBy, pageOf, prefixMatch } from "../list";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const sortable = {
  aliasUsername: dbaliases.aliasUsername,
  username: dbaliases.username,
  id: dbaliases.id,
};

async function assertAliasFree(db: Db, a: { aliasUsername: string; aliasDomain: string }, exceptId?: number) {
  const [other] = await db
    .select()
    .from(dbaliases)
    .where(
      and(
        eq(dbaliases.aliasUsername, a.aliasUsername),
        eq(dbaliases.aliasDomain, a.aliasDomain),
        exceptId ? ne(dbaliases.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (other) {
    throw fieldError(
      "CONFLICT",
      "aliasUsername",
      `${a.aliasUsername}@${a.aliasDomain} already points to ${other.username}@${other.domain}`,
    );
  }
}

export const aliasesRouter = router({
  list: viewerProcedure.input(accountListInput).query(({ ctx, input }) =>
    pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(dbaliases)
        .where(
          and(
            input.search ? prefixMatch(dbaliases.aliasUsername, input.search) : undefined,
            ofAccount(dbaliases, input),
          ),
        )
        .orderBy(...orderBy(sortable, input.sort, input.dir, dbaliases.id))
        .limit(limit)
        .offset(offset),
    ),
  ),

  create: operatorProcedure.input(aliasCreate).mutation(async ({ ctx, input }) => {
    await assertAliasFree(ctx.db, input);
    const [res] = await ctx.db.insert(dbaliases).values(input);
    return { id: res.insertId };
  }),

  update: operatorProcedure.input(aliasUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...values } = input;
    await assertAliasFree(ctx.db, values, id);
    await ctx.db.update(dbaliases).set(values).where(eq(dbaliases.id, id));
    return { id };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.delete(dbaliases).where(inArray(dbaliases.id, input.ids));
    return { deleted: res.affectedRows };
  }),
});
