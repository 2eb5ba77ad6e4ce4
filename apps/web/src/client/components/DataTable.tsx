"use client";
/**
 * The console's list view: server-side paging (Previous/Next, "has next" from one extra row), sorting
 * by clickable headers, a debounced search box, loading / empty / error states, and optional row
 * selection for bulk actions. The query itself comes from the page (a tRPC queryOptions factory).
 */
import { keepPreviousData, type UseQueryOptions, useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useId, useState } from "react";
import { type ListResult, PAGE_SIZES } from "../../shared/schemas/common";
import { errorMessage } from "../errors";

export interface Column<Row> {
  /** Sort key sent to the server and the default cell accessor. */
  key: string;
  label: string;
  sortable?: boolean;
  render?: (row: Row) => ReactNode;
  className?: string;
}

export interface ListParams {
  page: number;
  pageSize: number;
  sort?: string;
  dir: "asc" | "desc";
  search: string;
  /** Keyset position of `page`, for lists that return nextCursor. */
  cursor?: string;
}

export interface DataTableProps<Row extends { id: number }> {
  /** Accessible name of the table, e.g. "Subscribers". */
  label: string;
  columns: Column<Row>[];
  // biome-ignore lint/suspicious/noExplicitAny: tRPC's tagged query options differ per procedure
  query: (params: ListParams) => UseQueryOptions<ListResult<Row>, any, ListResult<Row>, any>;
  initialSort?: { sort: string; dir: "asc" | "desc" };
  searchLabel?: string;
  searchPlaceholder?: string;
  /** Shown when the list is empty and nothing is being searched. */
  emptyText?: ReactNode;
  /** Buttons shown beside the search box (e.g. "Add subscriber"). */
  toolbar?: ReactNode;
  /** Per-row action buttons (edit, delete). */
  rowActions?: (row: Row) => ReactNode;
  /** Enables selection; rendered with the selected rows when at least one is selected. */
  bulkActions?: (rows: Row[], clear: () => void) => ReactNode;
  /** Extra filters, rendered in the toolbar; changing them resets to page 1 via `resetKey`. */
  filters?: ReactNode;
  resetKey?: string;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function DataTable<Row extends { id: number }>(props: DataTableProps<Row>) {
  const { columns, rowActions, bulkActions } = props;
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sort, setSort] = useState(props.initialSort ?? { sort: "", dir: "asc" as const });
  const [searchText, setSearchText] = useState("");
  const search = useDebounced(searchText.trim(), 250);
  const [selected, setSelected] = useState<Map<number, Row>>(new Map());
  // Keyset lists: the cursor that starts each page visited so far (page 1 needs none).
  const [cursors, setCursors] = useState<Record<number, string>>({});
  const searchId = useId();

  // A new search, filter, sort or page size starts again at page 1 with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on these changes only
  useEffect(() => {
    setPage(1);
    setCursors({});
    setSelected(new Map());
  }, [search, pageSize, sort.sort, sort.dir, props.resetKey]);

  const params: ListParams = {
    page,
    pageSize,
    search,
    dir: sort.dir,
    ...(sort.sort ? { sort: sort.sort } : {}),
    ...(cursors[page] ? { cursor: cursors[page] } : {}),
  };
  const q = useQuery({ ...props.query(params), placeholderData: keepPreviousData });
  const rows = q.data?.rows ?? [];
  const colSpan = columns.length + (rowActions ? 1 : 0) + (bulkActions ? 1 : 0);

  const toggleSort = (key: string) =>
    setSort((s) =>
      s.sort === key ? { sort: key, dir: s.dir === "asc" ? "desc" : "asc" } : { sort: key, dir: "asc" },
    );
  const toggleRow = (row: Row) =>
    setSelected((m) => {
      const next = new Map(m);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, row);
      return next;
    });
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const togglePage = () =>
    setSelected((m) => {
      const next = new Map(m);
      for (const r of rows) {
        if (allOnPage) next.delete(r.id);
        else next.set(r.id, r);
      }
      return next;
    });

  let body: ReactNode;
  if (q.isPending) {
    body = (
      <tr>
        <td colSpan={colSpan} className="table-state">
          Loading…
        </td>
      </tr>
    );
  } else if (q.isError && !q.data) {
    body = (
      <tr>
        <td colSpan={colSpan} className="table-state table-error" role="alert">
          Could not load: {errorMessage(q.error)}{" "}
          <button type="button" className="btn btn-small" onClick={() => q.refetch()}>
            Retry
          </button>
        </td>
      </tr>
    );
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={colSpan} className="table-state">
          {search
            ? `Nothing matches “${search}”.`
            : page > 1
              ? "No more rows."
              : (props.emptyText ?? "Nothing here yet.")}
        </td>
      </tr>
    );
  } else {
    body = rows.map((row) => (
      <tr key={row.id} className={selected.has(row.id) ? "selected" : undefined}>
        {bulkActions && (
          <td className="col-select">
            <input
              type="checkbox"
              aria-label={`Select row ${row.id}`}
              checked={selected.has(row.id)}
              onChange={() => toggleRow(row)}
            />
          </td>
        )}
        {columns.map((c) => (
          <td key={c.key} className={c.className}>
            {c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? "")}
          </td>
        ))}
        {rowActions && <td className="col-actions">{rowActions(row)}</td>}
      </tr>
    ));
  }

  return (
    <section className="datatable" aria-label={props.label}>
      <div className="toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          {props.searchLabel ?? `Search ${props.label.toLowerCase()}`}
        </label>
        <input
          id={searchId}
          type="search"
          className="search"
          placeholder={props.searchPlaceholder ?? "Search…"}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
        />
        {props.filters}
        <span className="spacer" />
        {bulkActions && selected.size > 0 && (
          <span className="bulk">
            {selected.size} selected {bulkActions([...selected.values()], () => setSelected(new Map()))}
          </span>
        )}
        {props.toolbar}
      </div>
      <div className="table-wrap">
        <table aria-busy={q.isFetching} aria-label={props.label}>
          <thead>
            <tr>
              {bulkActions && (
                <th className="col-select">
                  <input
                    type="checkbox"
                    aria-label="Select all rows on this page"
                    checked={allOnPage}
                    onChange={togglePage}
                  />
                </th>
              )}
              {columns.map((c) => {
                const active = sort.sort === c.key;
                return (
                  <th
                    key={c.key}
                    className={c.className}
                    aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                  >
                    {c.sortable ? (
                      <button type="button" className="sort" onClick={() => toggleSort(c.key)}>
                        {c.label}
                        <span aria-hidden="true">{active ? (sort.dir === "asc" ? " ▲" : " ▼") : " ↕"}</span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
              {rowActions && (
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      <nav className="pager" aria-label={`${props.label} pages`}>
        <button
          type="button"
          className="btn btn-small"
          disabled={page <= 1}
          onClick={() => setPage((p) => p - 1)}
        >
          ‹ Previous
        </button>
        <span aria-live="polite">
          Page {page}
          {q.isFetching && !q.isPending ? " (loading…)" : ""}
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={!q.data?.hasNext || q.isPlaceholderData}
          onClick={() => {
            const next = q.data?.nextCursor;
            if (next) setCursors((c) => ({ ...c, [page + 1]: next }));
            setPage(page + 1);
          }}
        >
          Next ›
        </button>
        <label className="page-size">
          Rows per page{" "}
          <select value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </nav>
    </section>
  );
}
