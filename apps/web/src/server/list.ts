/** Server-side paging, sorting and prefix search shared by the list procedures. */
import { asc, desc, type SQL, sql } from "drizzle-orm";
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
 * ORDER BY for a whitelisted sort key (unknown keys fall back to the first entry), with the primary
 * key last so equal values page deterministically.
 */
export function orderBy(
  sortable: Record<string, MySqlColumn>,
  sort: string | undefined,
  dir: "asc" | "desc",
  tieBreaker: MySqlColumn,
): SQL[] {
  const key = sort && sort in sortable ? sort : Object.keys(sortable)[0];
  const col = sortable[key];
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
