/**
 * `subscriber` (auth_db). Lists stay fast over millions of rows: the search is a username prefix
 * (username_idx range scan), sorting is limited to indexed columns, and paging reads pageSize+1 rows
 * instead of counting. Saving computes ha1/ha1b with realm = domain, keeps the clear password only
 * when features.storePlaintextPw (kamctlrc STORE_PLAINTEXT_PW), and asks every sipd node to drop
 * its cached credentials for the account.
 */
import { grp, location, subscriber, subscriberHashes } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { idInput, idsInput, listInput } from "../../shared/schemas/common";
import {
  type ImportRowResult,
  subscriberCreate,
  subscriberFields,
  subscriberImport,
  subscriberImportRow,
  subscriberUpdate,
} from "../../shared/schemas/subscriber";
import { fieldError } from "../errors";
import { keysetPageOf, prefixMatch } from "../list";
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

/** Beyond this many accounts one "drop everything" call replaces a call per account. */
const INVALIDATE_ALL_ABOVE = 20;

/**
 * sipd caches subscriber credentials; Kamailio's auth_db reads the table on every challenge and has
 * nothing to drop, so only sipd nodes are asked. `subscriber.invalidate` without params drops all.
 */
async function invalidate(ctx: AuthedContext, accounts: { username: string; domain: string }[]) {
  if (accounts.length === 0) return [];
  if (accounts.length > INVALIDATE_ALL_ABOVE) return broadcast(ctx, "subscriber.invalidate", [], ["sipd"]);
  const results = await Promise.all(
    accounts.map((a) => broadcast(ctx, "subscriber.invalidate", [a.username, a.domain], ["sipd"])),
  );
  return results.flat();
}

function credentials(ctx: AuthedContext, username: string, domain: string, password: string) {
  return {
    ...subscriberHashes(username, domain, password),
    password: ctx.config.features.storePlaintextPw ? password : "",
  };
}

const accountKey = (a: { username: string; domain: string }) => `${a.username}@${a.domain}`;

/**
 * One import batch: every row validated on its own, duplicates inside the batch and against the
 * table found with one query, new rows inserted with one multi-row INSERT (row by row only when
 * that fails, to name the failing line).
 */
async function importBatch(
  ctx: AuthedContext,
  input: z.output<typeof subscriberImport>,
): Promise<{ results: ImportRowResult[]; changed: { username: string; domain: string }[] }> {
  const results: ImportRowResult[] = [];
  const valid: z.output<typeof subscriberImportRow>[] = [];
  const seen = new Set<string>();
  input.rows.forEach((raw, i) => {
    const line = typeof raw.line === "number" ? raw.line : i + 1;
    const parsed = subscriberImportRow.safeParse({ ...raw, line });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      results.push({ line, status: "error", message: `${issue.path.join(".") || "row"}: ${issue.message}` });
    } else if (seen.has(accountKey(parsed.data))) {
      results.push({
        line,
        status: "error",
        message: `${accountKey(parsed.data)} appears twice in the file`,
      });
    } else {
      seen.add(accountKey(parsed.data));
      valid.push(parsed.data);
    }
  });

  const existing = new Map<string, number>();
  if (valid.length > 0) {
    const rows = await ctx.db
      .select(columns)
      .from(subscriber)
      .where(
        or(...valid.map((r) => and(eq(subscriber.username, r.username), eq(subscriber.domain, r.domain)))),
      );
    for (const r of rows) existing.set(accountKey(r), r.id);
  }

  const values = (r: z.output<typeof subscriberImportRow>) =>
    r.password
      ? { username: r.username, domain: r.domain, ...credentials(ctx, r.username, r.domain, r.password) }
      : {
          username: r.username,
          domain: r.domain,
          password: "",
          ha1: r.ha1.toLowerCase(),
          ha1b: r.ha1b.toLowerCase(),
        };

  const fresh = valid.filter((r) => !existing.has(accountKey(r)));
  const changed: { username: string; domain: string }[] = [];
  if (fresh.length > 0) {
    try {
      await ctx.db.insert(subscriber).values(fresh.map(values));
      for (const r of fresh) results.push({ line: r.line, status: "created" });
    } catch {
      // Someone else inserted one of them meanwhile, or a value MariaDB refuses: find which.
      for (const r of fresh) {
        try {
          await ctx.db.insert(subscriber).values(values(r));
          results.push({ line: r.line, status: "created" });
        } catch (e) {
          const dup = (e as { cause?: { code?: string } }).cause?.code === "ER_DUP_ENTRY";
          results.push({
            line: r.line,
            status: "error",
            message: dup ? `${accountKey(r)} already exists` : (e as Error).message,
          });
        }
      }
    }
  }
  for (const r of valid.filter((v) => existing.has(accountKey(v)))) {
    if (input.onDuplicate === "skip") {
      results.push({ line: r.line, status: "skipped", message: `${accountKey(r)} already exists` });
      continue;
    }
    await ctx.db
      .update(subscriber)
      .set(values(r))
      .where(eq(subscriber.id, existing.get(accountKey(r))!));
    results.push({ line: r.line, status: "updated" });
    changed.push(r);
  }
  results.sort((a, b) => a.line - b.line);
  return { results, changed };
}

export const subscribersRouter = router({
  list: viewerProcedure
    .input(listInput.extend({ domain: z.string().trim().max(64).default("") }))
    .query(({ ctx, input }) =>
      keysetPageOf(input, sortable, subscriber.id, ({ after, order, limit, offset }) =>
        ctx.db
          .select(columns)
          .from(subscriber)
          .where(
            and(
              searchCondition(input.search),
              input.domain ? eq(subscriber.domain, input.domain) : undefined,
              after,
            ),
          )
          .orderBy(...order)
          .limit(limit)
          .offset(offset),
      ),
    ),

  get: viewerProcedure.input(idInput).query(async ({ ctx, input }) => {
    const [row] = await ctx.db.select(columns).from(subscriber).where(eq(subscriber.id, input.id));
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `subscriber ${input.id} not found` });
    return row;
  }),

  /**
   * Group memberships (`grp`) and the contacts stored in `location` for one account. Without usrloc
   * use_domain Kamailio stores the domain as NULL, so those rows count as this account's too.
   */
  related: viewerProcedure
    .input(z.object({ username: subscriberFields.username, domain: subscriberFields.domain }))
    .query(async ({ ctx, input }) => {
      const groups = await ctx.db
        .select({ id: grp.id, grp: grp.grp, lastModified: grp.lastModified })
        .from(grp)
        .where(and(eq(grp.username, input.username), eq(grp.domain, input.domain)))
        .orderBy(grp.grp);
      const contacts = await ctx.db
        .select({
          id: location.id,
          contact: location.contact,
          expires: location.expires,
          q: location.q,
          received: location.received,
          socket: location.socket,
          userAgent: location.userAgent,
          lastModified: location.lastModified,
        })
        .from(location)
        .where(
          and(
            eq(location.username, input.username),
            or(eq(location.domain, input.domain), isNull(location.domain), eq(location.domain, "")),
          ),
        )
        .orderBy(location.expires)
        .limit(100);
      return { groups, contacts };
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

  /** One batch of a CSV import (the browser sends the file in batches to show progress). */
  import: operatorProcedure.input(subscriberImport).mutation(async ({ ctx, input }) => {
    const { results, changed } = await importBatch(ctx, input);
    const nodes = await invalidate(ctx, changed);
    return { results, nodes };
  }),
});
