"use client";
import "@/client/components/monitoring.css";
import { useRef } from "react";
import { DataTable, type ListParams, useDebounced } from "@/client/components/DataTable";
import { ExportButton } from "@/client/components/ExportButton";
import { DateRangeFilter, TextFilter, useFilters } from "@/client/components/filters";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { formatDuration, hoursAgoInput } from "@/shared/format";
import type { CdrFilter } from "@/shared/schemas/accounting";
import { CdrJobPanel } from "./job";

type Row = RouterOutputs["cdrs"]["list"]["rows"][number];

const emptyFilters = () => ({
  from: hoursAgoInput(7 * 24),
  to: "",
  caller: "",
  callee: "",
  minDuration: "",
  rated: "any" as CdrFilter["rated"],
});

const RATED = {
  1: ["rated", "badge-ok"],
  0: ["unrated", "badge-warn"],
  [-1]: ["no rate", "badge-bad"],
} as Record<number, [string, string]>;

const columns = [
  { key: "callStartTime", label: "Start", sortable: true, className: "nowrap" },
  {
    key: "duration",
    label: "Duration",
    sortable: true,
    className: "num",
    render: (r: Row) => formatDuration(r.duration),
  },
  { key: "srcUsername", label: "Caller", render: (r: Row) => `${r.srcUsername}@${r.srcDomain}` },
  {
    key: "dstUsername",
    label: "Callee",
    render: (r: Row) =>
      r.dstOusername && r.dstOusername !== r.dstUsername
        ? `${r.dstOusername} → ${r.dstUsername}`
        : r.dstUsername,
  },
  { key: "srcIp", label: "Source IP" },
  { key: "cost", label: "Cost", sortable: true, className: "num" },
  {
    key: "rated",
    label: "Rating",
    render: (r: Row) => {
      const [text, cls] = RATED[r.rated] ?? [String(r.rated), ""];
      return <span className={`badge ${cls}`}>{text}</span>;
    },
  },
  {
    key: "sipCallId",
    label: "Call-ID",
    className: "cut",
    render: (r: Row) => <span title={r.sipCallId}>{r.sipCallId}</span>,
  },
  { key: "id", label: "CDR", sortable: true, className: "num" },
];

export function CdrsView() {
  const trpc = useTRPC();
  const { filters, field, reset } = useFilters(emptyFilters);
  const debounced = useDebounced(filters, 300);
  const applied = { ...debounced, minDuration: Number(debounced.minDuration) || 0 };
  const params = useRef<ListParams | null>(null);

  return (
    <>
      <CdrJobPanel />
      <DataTable<Row>
        label="CDRs"
        columns={columns}
        query={(p) => {
          params.current = p;
          return trpc.cdrs.list.queryOptions({ ...p, ...applied });
        }}
        initialSort={{ sort: "callStartTime", dir: "desc" }}
        searchLabel="Search by Call-ID"
        searchPlaceholder="Call-ID prefix"
        emptyText="No CDRs in this range."
        resetKey={JSON.stringify(applied)}
        filters={
          <>
            <DateRangeFilter from={field("from")} to={field("to")} />
            <TextFilter label="Caller" size={10} {...field("caller")} />
            <TextFilter label="Callee" size={10} {...field("callee")} />
            <input
              aria-label="Minimum duration (s)"
              placeholder="Min s"
              type="number"
              min={0}
              {...field("minDuration")}
              style={{ width: "5.5em" }}
            />
            <select aria-label="Rating" {...field("rated")}>
              <option value="any">any rating</option>
              <option value="rated">rated</option>
              <option value="unrated">unrated</option>
              <option value="unmatched">no rate</option>
            </select>
            <button type="button" className="btn btn-small" onClick={reset}>
              Reset
            </button>
          </>
        }
        toolbar={
          <ExportButton kind="cdrs" filters={() => ({ ...applied, search: params.current?.search ?? "" })} />
        }
      />
    </>
  );
}
