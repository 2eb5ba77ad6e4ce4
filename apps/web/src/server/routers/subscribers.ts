/**
 * `subscriber` (auth_db). Lists stay fast over millions of rows: the search is a username prefix
 * (username_idx range scan), sorting is limited to indexed columns, and paging reads pageSize+1 rows
 * instead of counting. Saving computes ha1/ha1b with realm = domain, keeps the clear password only
 * when features.storePlaintextPw (kamctlrc STORE_PLAINTEXT_PW), and asks every sipd node to drop
 * its cached credentials for the account.
 */
import { subscriber, subscriberHashes } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import { idInput, idsInput, listInput } from "../../shared/schemas/common";
import { subscriberCreate, subscriberUpdate } from "../../shared/schemas/subscriber";
import { fieldError } from "../errors";
import { orderBy, pageOf, prefixMatch } from "../list";
import { broadcast } from "../nodes/broadcast";
import { type AuthedContext, operatorProcedure, router, viewerProcedure } from "../trpc";

const columns = { id: subscriber.id, username: subscriber.username, domain: subscriber.domain };
const sortable = { username: subscriber.username, id: subscriber.id };

/** "ali" -> username prefix; "alice@exa" -> username alice, domain prefix exa. */
function searchCondition(search: string): SQL | undefined {
  if (!search) return undefined;
  const at = search.indexOf("@");
  if (at < 0) return prefixMatch(subscriber.username, search);
  const user = search.slice(0, at);
  const dom = search.slice(at + 1);
  return and(
    user ? eq(subscriber.username, user) : undefined,
    dom ? prefixMatch(subscriber.domain, dom) : undefined,
  );
}

/**
 * sipd caches subscriber credentials; Kamailio's auth_db reads the table on every challenge and has
 * nothing to drop, so only sipd nodes are asked.
 */
function invalidate(ctx: AuthedContext, accounts: { username: string; domain: string }[]) {
  return Promise.all(
    accounts.map((a) => broadcast(ctx, "subscriber.invalidate", [a.username, a.domain], ["sipd"])),
  ).then((r) => r.flat());
}

function credentials(ctx: AuthedContext, username: string, domain: string, password: string) {
  return {
    ...subscriberHashes(username, domain, password),
    password: ctx.config.features.storePlaintextPw ? password : "",
  };
}

export const subscribersRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ domain: z.string().trim().max(64).default("") }))
    .query(({ ctx, input }) =>
      pageOf(input, (limit, offset) =>
        ctx.db
          .select(columns)
          .from(subscriber)
          .where(
            and(
              searchCondition(input.search),
              input.domain ? eq(subscriber.domain, input.domain) : undefined,
            ),
          )
          .orderBy(...orderBy(sortable, input.sort, input.dir, subscriber.id))
          .limit(limit)
          .offset(offset),
      ),
    ),

  get: viewerProcedure.input(idInput).query(async ({ ctx, input }) => {
    const [row] = await ctx.db.select(columns).from(subscriber).where(eq(subscriber.id, input.id));
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `subscriber ${input.id} not found` });
    return row;
  }),

  create: operatorProcedure.input(subscriberCreate).mutation(async ({ ctx, input }) => {
    const [res] = await ctx.db.insert(subscriber).values({
      username: input.username,
      domain: input.domain,
      ...credentials(ctx, input.username, input.domain, input.password),
    });
    const nodes = await invalidate(ctx, [input]);
    return { id: res.insertId, nodes };
  }),

  update: operatorProcedure.input(subscriberUpdate).mutation(async ({ ctx, input }) => {
    const [old] = await ctx.db
      .select({ ...columns, password: subscriber.password })
      .from(subscriber)
      .where(eq(subscriber.id, input.id));
    if (!old) throw new TRPCError({ code: "NOT_FOUND", message: `subscriber ${input.id} not found` });
    const renamed = old.username !== input.username || old.domain !== input.domain;
    // ha1/ha1b hash the username and domain: a rename needs the password, typed or stored.
    const password = input.password || (renamed ? old.password : "");
    if (renamed && !password) {
      throw fieldError(
        "BAD_REQUEST",
        "password",
        "enter the password again: the digest hashes include username and domain",
      );
    }
    await ctx.db
      .update(subscriber)
      .set({
        username: input.username,
        domain: input.domain,
        ...(password ? credentials(ctx, input.username, input.domain, password) : {}),
      })
      .where(eq(subscriber.id, input.id));
    const nodes = await invalidate(ctx, renamed ? [old, input] : [input]);
    return { id: input.id, nodes };
  }),

  delete: operatorProcedure.input(idsInput).mutation(async ({ ctx, input }) => {
    const rows = await ctx.db.select(columns).from(subscriber).where(inArray(subscriber.id, input.ids));
    await ctx.db.delete(subscriber).where(inArray(subscriber.id, input.ids));
    const nodes = await invalidate(ctx, rows);
    return { deleted: rows.length, nodes };
  }),
});
