/** Server-side paging, sorting and prefix search shared by the list procedures. */
import { and, asc, desc, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import type { MySqlColumn } from "drizzle-orm/mysql-core";
import type { ListResult } from "../shared/schemas/common";

/**
 * Runs `query` for one page, reading one row more than the page holds: that extra row answers
 * "is there a next page?" without a COUNT(*) over a table that may hold millions of rows.
 */
export async function pageOf<Row>(
  input: { page: number; pageSize: number },
  query: (limit: number, offset: number) => Promise<Row[]>,
): Promise<ListResult<Row>> {
  const rows = await query(input.pageSize + 1, (input.page - 1) * input.pageSize);
  return {
    rows: rows.slice(0, input.pageSize),
    page: input.page,
    pageSize: input.pageSize,
    hasNext: rows.length > input.pageSize,
  };
}

/**
 * The client's sort key if `sortable` has it as its own key, else `fallback`. Own keys only: `in`
 * would also accept "constructor" or "__proto__" from the request and hand a non-column to ORDER BY.
 */
export function sortKeyOf<K extends string>(
  sortable: Record<K, unknown>,
  sort: string | undefined,
  fallback: K,
): K {
  return sort !== undefined && Object.hasOwn(sortable, sort) ? (sort as K) : fallback;
}

/**
 * ORDER BY for a whitelisted sort key (unknown keys fall back to the first entry), with the primary
 * key last so equal values page deterministically.
 */
export function orderBy(
  sortable: Record<string, MySqlColumn>,
  sort: string | undefined,
  dir: "asc" | "desc",
  tieBreaker: MySqlColumn,
): SQL[] {
  const col = sortable[sortKeyOf(sortable, sort, Object.keys(sortable)[0])];
  const by = dir === "desc" ? desc : asc;
  return col === tieBreaker ? [by(col)] : [by(col), by(tieBreaker)];
}

/** LIKE pattern matching values that start with `prefix` (an index range scan in MariaDB). */
export function startsWith(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `col LIKE 'prefix%'` as SQL, escaping the wildcards in the prefix. */
export function prefixMatch(col: MySqlColumn, prefix: string): SQL {
  return sql`${col} LIKE ${startsWith(prefix)}`;
}

/** The rows of the account that `accountListInput` names, or undefined (no condition) when it names none. */
export function ofAccount(
  cols: { username: MySqlColumn; domain: MySqlColumn },
  input: { username: string; domain: string },
): SQL | undefined {
  return and(
    input.username ? eq(cols.username, input.username) : undefined,
    input.domain ? eq(cols.domain, input.domain) : undefined,
  );
}

type CursorValue = string | number;

/** An opaque position: the sort value and primary key of the last row of a page. */
export function encodeCursor(value: CursorValue, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): [CursorValue, number] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      ["string", "number"].includes(typeof v[0]) &&
      Number.isSafeInteger(v[1])
    )
      return [v[0], v[1]];
  } catch {}
  return null;
}

/**
 * Keyset paging: with a cursor the page is "rows after (value, id) in sort order", read from the
 * index like the first page, so page 40 000 costs what page 1 costs. Without one (first page, or a
 * client that only knows page numbers) it falls back to OFFSET. The sort columns must be NOT NULL
 * and named like the row properties; `id` is the primary key and tie-breaker.
 */
export async function keysetPageOf<Row extends { id: number }>(
  input: { page: number; pageSize: number; sort?: string; dir: "asc" | "desc"; cursor?: string },
  sortable: Record<string, MySqlColumn>,
  idCol: MySqlColumn,
  query: (q: { after: SQL | undefined; order: SQL[]; limit: number; offset: number }) => Promise<Row[]>,
): Promise<ListResult<Row>> {
  const key = sortKeyOf(sortable, input.sort, Object.keys(sortable)[0]);
  const col = sortable[key];
  const cursor = decodeCursor(input.cursor);
  const beyond = input.dir === "desc" ? lt : gt;
  let after: SQL | undefined;
  if (cursor) {
    const [value, id] = cursor;
    after =
      col === idCol ? beyond(idCol, id) : or(beyond(col, value), and(eq(col, value), beyond(idCol, id)));
  }
  const rows = await query({
    after,
    order: orderBy(sortable, key, input.dir, idCol),
    limit: input.pageSize + 1,
    offset: cursor ? 0 : (input.page - 1) * input.pageSize,
  });
  const page = rows.slice(0, input.pageSize);
  const last = page[page.length - 1];
  const hasNext = rows.length > input.pageSize;
  return {
    rows: page,
    page: input.page,
    pageSize: input.pageSize,
    hasNext,
    nextCursor:
      hasNext && last ? encodeCursor((last as Record<string, unknown>)[key] as CursorValue, last.id) : null,
  };
}
