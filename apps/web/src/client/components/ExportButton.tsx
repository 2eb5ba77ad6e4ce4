"use client";
/**
 * "Export CSV": a download link to /api/export/<kind> carrying the list's current filters, built
 * when clicked so it always matches what the table shows.
 */
import { EXPORT_MAX_ROWS, type ExportKind } from "../../shared/schemas/accounting";

type FilterValues = Record<string, string | number | undefined>;

export function exportUrl(kind: ExportKind, filters: FilterValues): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters))
    if (v !== undefined && v !== "" && v !== 0) qs.set(k, String(v));
  const q = qs.toString();
  return `/api/export/${kind}${q ? `?${q}` : ""}`;
}

export function ExportButton({ kind, filters }: { kind: ExportKind; filters: () => FilterValues }) {
  return (
    <a
      className="btn"
      href={exportUrl(kind, {})}
      download
      title={`CSV of the rows matching the filters, oldest first (at most ${EXPORT_MAX_ROWS.toLocaleString("en")} rows)`}
      onClick={(e) => {
        e.currentTarget.href = exportUrl(kind, filters());
      }}
    >
      Export CSV
    </a>
  );
}
