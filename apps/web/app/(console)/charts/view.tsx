"use client";
import "@/client/components/monitoring.css";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  allEmpty,
  BarChart,
  bucketLabels,
  ChartCard,
  DoughnutChart,
  LineChart,
} from "@/client/components/charts";
import { RangePicker, type RangeValue } from "@/client/components/RangePicker";
import {
  BucketLinesCard,
  CallsCard,
  RegisteredCard,
  SipLoadCard,
  TopUsersCard,
} from "@/client/components/stat-charts";
import { TimeIndexHint } from "@/client/components/TimeIndexHint";
import { useTRPC } from "@/client/trpc";
import { formatBytes } from "@/shared/format";

const PER: Record<string, string> = { "5m": "5 minutes", "1h": "hour", "1d": "day" };

export function ChartsView() {
  const trpc = useTRPC();
  const [range, setRange] = useState<RangeValue>({ range: "24h", from: "", to: "" });
  // Preset ranges end now: refresh them every minute. A custom range does not move.
  const opts = { refetchInterval: range.from ? (false as const) : 60_000 };
  const calls = useQuery(trpc.stats.calls.queryOptions(range, opts));
  const asrAcd = useQuery(trpc.stats.asrAcd.queryOptions(range, opts));
  const durations = useQuery(trpc.stats.durations.queryOptions(range, opts));
  const topCallers = useQuery(trpc.stats.topCallers.queryOptions(range, opts));
  const topCallees = useQuery(trpc.stats.topCallees.queryOptions(range, opts));
  const replies = useQuery(trpc.stats.inviteReplies.queryOptions(range, opts));
  const load = useQuery(trpc.stats.sipLoad.queryOptions(range, opts));
  const memory = useQuery(trpc.stats.memory.queryOptions(range, opts));
  const registered = useQuery(trpc.stats.registered.queryOptions(range, opts));
  const per = PER[calls.data?.bucket ?? "1h"];

  return (
    <>
      <TimeIndexHint />
      <RangePicker value={range} onChange={setRange} />
      <div className="chart-grid">
        <CallsCard id="calls" title={`Calls per ${per}`} query={calls} />
        <ChartCard
          id="asr-acd"
          title="ASR and ACD"
          query={asrAcd}
          isEmpty={(d) => allEmpty(d.series)}
          note="ASR: answered share of call attempts. ACD: mean duration of answered calls."
        >
          {(d) => (
            <LineChart
              labels={bucketLabels(d.keys, d.bucket)}
              yTitle="ASR %"
              y1Title="ACD (s)"
              series={[
                { label: "ASR (%)", data: d.series.asr },
                { label: "ACD (s)", data: d.series.acd, right: true },
              ]}
            />
          )}
        </ChartCard>
        <ChartCard
          id="durations"
          title="Call durations"
          query={durations}
          isEmpty={(d) => d.counts.every((c) => c === 0)}
        >
          {(d) => <BarChart labels={d.labels} series={[{ label: "answered calls", data: d.counts }]} />}
        </ChartCard>
        <ChartCard
          id="invite-replies"
          title="INVITE replies by code"
          query={replies}
          isEmpty={(d) => d.length === 0}
        >
          {(d) => <DoughnutChart labels={d.map((r) => r.code)} values={d.map((r) => r.count)} />}
        </ChartCard>
        <TopUsersCard id="top-callers" title="Top callers" query={topCallers} />
        <TopUsersCard id="top-callees" title="Top callees" query={topCallees} />
        <SipLoadCard
          id="sip-load"
          title={`SIP requests per ${per}`}
          query={load}
          emptyText="No statistics samples in this range."
        />
        <BucketLinesCard
          id="memory"
          title="Shared memory"
          query={memory}
          emptyText="No statistics samples in this range."
          yFormat={formatBytes}
          lines={[
            ["used", "used"],
            ["real used", "realUsed"],
            ["max used", "maxUsed"],
          ]}
        />
        <RegisteredCard
          id="registered"
          title="Registered users and contacts"
          query={registered}
          emptyText="No statistics samples in this range."
        />
      </div>
    </>
  );
}
