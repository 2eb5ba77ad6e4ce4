"use client";
import { useState } from "react";
import { DataTable } from "@/client/components/DataTable";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";

type Row = RouterOutputs["audit"]["list"]["rows"][number];

const EMPTY = { username: "", action: "", node: "", ok: "any" as "any" | "ok" | "failed", from: "", to: "" };

export function AuditView() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState(EMPTY);
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFilters((f) => ({ ...f, [k]: e.target.value }));

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
          <input
            aria-label="Admin"
            placeholder="Admin"
            value={filters.username}
            onChange={set("username")}
            size={12}
          />
          <input
            aria-label="Action"
            placeholder="Action prefix"
            value={filters.action}
            onChange={set("action")}
            size={14}
          />
          <input aria-label="Node" placeholder="Node" value={filters.node} onChange={set("node")} size={10} />
          <select aria-label="Result" value={filters.ok} onChange={set("ok")}>
            <option value="any">any result</option>
            <option value="ok">ok</option>
            <option value="failed">failed</option>
          </select>
          <input aria-label="From" type="datetime-local" value={filters.from} onChange={set("from")} />
          <input aria-label="To" type="datetime-local" value={filters.to} onChange={set("to")} />
          {JSON.stringify(filters) !== JSON.stringify(EMPTY) && (
            <button type="button" className="btn btn-small" onClick={() => setFilters(EMPTY)}>
              Clear filters
            </button>
          )}
        </>
      }
    />
  );
}
