/**
 * CSV export of the accounting lists: the same filters as the page, read in keyset chunks (primary
 * key order, CHUNK rows per query) so memory stays flat and the database never sorts the whole
 * result, and stopped at EXPORT_MAX_ROWS.
 *
 * CSV per RFC 4180 (CRLF, quotes doubled), headers are the table's column names. Text cells that a
 * spreadsheet would run as a formula (=, @, or +/- not followed by a plain number) get a leading
 * apostrophe; phone numbers such as +442071234567 stay as they are.
 */
import { cdrs, type Db } from "@switchboard/db";
import { and, asc, gt, type SQL } from "drizzle-orm";
import type { MySqlColumn } from "drizzle-orm/mysql-core";
import { z } from "zod";
import { accFilter, cdrFilter, EXPORT_MAX_ROWS, type ExportKind } from "../../shared/schemas/accounting";
import { accColumns, accTable, accWhere, cdrColumns, cdrWhere, windowBounds } from "./queries";

export const EXPORT_CHUNK = 2000;

const FORMULA_START = /^[=@\t\r]|^[+-](?![0-9]+$)/;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  let s = String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;

const search = { search: z.string().trim().max(128).default("") };

/** Export filters from the query string (numbers arrive as text there); throws on a bad filter. */
export function parseExportFilter(kind: ExportKind, params: URLSearchParams) {
  const raw: Record<string, unknown> = Object.fromEntries(params);
  if (typeof raw.minDuration === "string") raw.minDuration = Number(raw.minDuration || 0);
  const filter = kind === "cdrs" ? cdrFilter.extend(search).parse(raw) : accFilter.extend(search).parse(raw);
  windowBounds(filter);
  return filter;
}

interface Source {
  columns: Record<string, MySqlColumn>;
  key: MySqlColumn;
  where: SQL | undefined;
  from: typeof cdrs | ReturnType<typeof accTable>;
}

function sourceOf(kind: ExportKind, filter: ReturnType<typeof parseExportFilter>): Source {
  if (kind === "cdrs") {
    return {
      columns: cdrColumns,
      key: cdrs.cdrId,
      where: cdrWhere(filter as z.output<typeof cdrFilter>),
      from: cdrs,
    };
  }
  const t = accTable(kind);
  return {
    columns: accColumns(t),
    key: t.id,
    where: accWhere(t, filter as z.output<typeof accFilter>),
    from: t,
  };
}

/** CSV text of an export: the header line, then one chunk of lines per query. */
export async function* exportCsv(
  db: Db,
  kind: ExportKind,
  filter: ReturnType<typeof parseExportFilter>,
  { maxRows = EXPORT_MAX_ROWS, chunkRows = EXPORT_CHUNK } = {},
): AsyncGenerator<string> {
  const src = sourceOf(kind, filter);
  const names = Object.keys(src.columns);
  yield csvLine(names.map((n) => src.columns[n].name));
  let cursor: number | null = null;
  let sent = 0;
  while (sent < maxRows) {
    const limit = Math.min(chunkRows, maxRows - sent);
    const rows = (await db
      .select(src.columns)
      .from(src.from)
      .where(and(src.where, cursor === null ? undefined : gt(src.key, cursor)))
      .orderBy(asc(src.key))
      .limit(limit)) as Record<string, unknown>[];
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine(names.map((n) => r[n]))).join("");
    sent += rows.length;
    cursor = Number(rows[rows.length - 1].id);
    if (rows.length < limit) return;
  }
}
