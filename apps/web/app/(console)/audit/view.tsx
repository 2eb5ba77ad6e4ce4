"use client";
import { DataTable } from "@/client/components/DataTable";
import { DateRangeFilter, TextFilter, useFilters } from "@/client/components/filters";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";

type Row = RouterOutputs["audit"]["list"]["rows"][number];

const EMPTY = { username: "", action: "", node: "", ok: "any" as "any" | "ok" | "failed", from: "", to: "" };

export function AuditView() {
  const trpc = useTRPC();
  const { filters, field, reset } = useFilters(() => EMPTY);

  return (
    <DataTable<Row>
      label="Audit log"
      columns={[
        { key: "at", label: "When", sortable: true },
        { key: "username", label: "Who", sortable: true },
        { key: "action", label: "Action", sortable: true },
        { key: "target", label: "Target" },
        { key: "node", label: "Node", render: (r) => r.node ?? "" },
        {
          key: "ok",
          label: "Result",
          render: (r) => (
            <span className={`badge ${r.ok ? "badge-ok" : "badge-bad"}`}>{r.ok ? "ok" : "failed"}</span>
          ),
        },
        { key: "details", label: "Details", className: "details", render: (r) => r.details ?? "" },
      ]}
      query={(p) => trpc.audit.list.queryOptions({ ...p, ...filters })}
      initialSort={{ sort: "at", dir: "desc" }}
      searchLabel="Search targets"
      searchPlaceholder="Target prefix"
      emptyText="Nothing recorded yet."
      resetKey={JSON.stringify(filters)}
      filters={
        <>
          <TextFilter label="Admin" size={12} {...field("username")} />
          <TextFilter label="Action" placeholder="Action prefix" size={14} {...field("action")} />
          <TextFilter label="Node" size={10} {...field("node")} />
          <select aria-label="Result" {...field("ok")}>
            <option value="any">any result</option>
            <option value="ok">ok</option>
            <option value="failed">failed</option>
          </select>
          <DateRangeFilter from={field("from")} to={field("to")} />
          {JSON.stringify(filters) !== JSON.stringify(EMPTY) && (
            <button type="button" className="btn btn-small" onClick={reset}>
              Clear filters
            </button>
          )}
        </>
      }
    />
  );
}
