"use client";
import "@/client/components/monitoring.css";
import { useRef, useState } from "react";
import { DataTable, type ListParams, useDebounced } from "@/client/components/DataTable";
import { ExportButton } from "@/client/components/ExportButton";
import { DateRangeFilter, TextFilter, useFilters } from "@/client/components/filters";
import { TimeIndexHint } from "@/client/components/TimeIndexHint";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { hoursAgoInput } from "@/shared/format";
import type { AccTable } from "@/shared/schemas/accounting";

type Row = RouterOutputs["accounting"]["list"]["rows"][number];

const TABS: { table: AccTable; label: string }[] = [
  { table: "acc", label: "Transactions (acc)" },
  { table: "missed_calls", label: "Missed calls" },
];

const emptyFilters = () => ({
  from: hoursAgoInput(24),
  to: "",
  caller: "",
  callee: "",
  code: "",
  method: "",
});

/** A reply code as a coloured badge: 2xx ok, 3xx/4xx warning, 5xx/6xx bad. */
export function CodeBadge({ code, reason }: { code: string; reason?: string }) {
  const cls = code.startsWith("2") ? "badge-ok" : /^[56]/.test(code) ? "badge-bad" : "badge-warn";
  return (
    <span className={`badge ${cls}`} title={reason}>
      {code}
    </span>
  );
}

const user = (u: string, d: string) => (d ? `${u}@${d}` : u);

const columns = [
  { key: "id", label: "#", sortable: true, className: "num" },
  { key: "time", label: "Time", className: "nowrap" },
  { key: "method", label: "Method" },
  { key: "sipCode", label: "Code", render: (r: Row) => <CodeBadge code={r.sipCode} reason={r.sipReason} /> },
  { key: "sipReason", label: "Reason" },
  { key: "srcUser", label: "Caller", render: (r: Row) => user(r.srcUser, r.srcDomain) },
  { key: "srcIp", label: "Source IP" },
  {
    key: "dstUser",
    label: "Callee",
    render: (r: Row) =>
      r.dstOuser && r.dstOuser !== r.dstUser ? (
        <span title="dialled → routed">
          {r.dstOuser} → {user(r.dstUser, r.dstDomain)}
        </span>
      ) : (
        user(r.dstUser, r.dstDomain)
      ),
  },
  {
    key: "callid",
    label: "Call-ID",
    className: "cut",
    render: (r: Row) => <span title={r.callid}>{r.callid}</span>,
  },
  { key: "cdrId", label: "CDR", className: "num", render: (r: Row) => (r.cdrId > 0 ? r.cdrId : "") },
];

export function AccountingView() {
  const trpc = useTRPC();
  const [table, setTable] = useState<AccTable>("acc");
  const { filters, field, reset } = useFilters(emptyFilters);
  const applied = useDebounced(filters, 300);
  const params = useRef<ListParams | null>(null);

  return (
    <>
      <TimeIndexHint />
      <div className="tabs" role="tablist" aria-label="Accounting tables">
        {TABS.map((t) => (
          <button
            key={t.table}
            type="button"
            role="tab"
            aria-selected={table === t.table}
            onClick={() => setTable(t.table)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <DataTable<Row>
        label={table === "acc" ? "Accounting records" : "Missed calls"}
        columns={columns}
        query={(p) => {
          params.current = p;
          return trpc.accounting.list.queryOptions({
            ...p,
            ...applied,
            method: table === "acc" ? applied.method : "",
            table,
          });
        }}
        initialSort={{ sort: "id", dir: "desc" }}
        searchLabel="Search by Call-ID"
        searchPlaceholder="Call-ID prefix"
        emptyText="No records in this range."
        resetKey={`${table}:${JSON.stringify(applied)}`}
        filters={
          <>
            <DateRangeFilter from={field("from")} to={field("to")} />
            <TextFilter label="Caller" size={10} {...field("caller")} />
            <TextFilter label="Callee" size={10} {...field("callee")} />
            <TextFilter label="SIP code" placeholder="Code (486, 4xx)" size={9} {...field("code")} />
            {table === "acc" && <TextFilter label="Method" size={8} {...field("method")} />}
            <button type="button" className="btn btn-small" onClick={reset}>
              Reset
            </button>
          </>
        }
        toolbar={
          <ExportButton kind={table} filters={() => ({ ...applied, search: params.current?.search ?? "" })} />
        }
      />
    </>
  );
}
