"use client";
/**
 * The statistics charts that both the Charts page and the dashboard show: one card per stats query,
 * so the two pages draw the same series with the same labels.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { formatDuration } from "../../shared/format";
import type { Bucket } from "../../shared/schemas/stats";
import type { RouterOutputs } from "../types";
import { allEmpty, BarChart, bucketLabels, ChartCard, LineChart } from "./charts";

type Stats = RouterOutputs["stats"];

interface StatCardProps<T> {
  /** Also the test id: chart-<id>. */
  id: string;
  title: ReactNode;
  query: UseQueryResult<T, unknown>;
  emptyText?: string;
}

/** Answered and failed calls per bucket, stacked. */
export function CallsCard({ id, title, query }: StatCardProps<Stats["calls"]>) {
  return (
    <ChartCard id={id} title={title} query={query} isEmpty={(d) => allEmpty(d.series)}>
      {(d) => (
        <BarChart
          stacked
          labels={bucketLabels(d.keys, d.bucket)}
          series={[
            { label: "answered", data: d.series.answered },
            { label: "failed", data: d.series.failed },
          ]}
        />
      )}
    </ChartCard>
  );
}

/** Stats with one value per time bucket for each of their series. */
interface BucketSeries<K extends string> {
  keys: string[];
  bucket: Bucket;
  series: Record<K, (number | null)[]>;
}

/** A line per named series of a bucketed stats query: `lines` gives each one's label and key. */
export function BucketLinesCard<K extends string>({
  id,
  title,
  query,
  emptyText,
  lines,
  yFormat,
}: StatCardProps<BucketSeries<K>> & { lines: [label: string, key: K][]; yFormat?: (v: number) => string }) {
  return (
    <ChartCard id={id} title={title} query={query} isEmpty={(d) => allEmpty(d.series)} emptyText={emptyText}>
      {(d) => (
        <LineChart
          labels={bucketLabels(d.keys, d.bucket)}
          yFormat={yFormat}
          series={lines.map(([label, key]) => ({ label, data: d.series[key] }))}
        />
      )}
    </ChartCard>
  );
}

/** SIP requests received and forwarded per bucket. */
export function SipLoadCard(p: StatCardProps<Stats["sipLoad"]>) {
  return (
    <BucketLinesCard
      {...p}
      lines={[
        ["received", "rcv"],
        ["forwarded", "fwd"],
      ]}
    />
  );
}

/** Registered users and contacts per bucket. */
export function RegisteredCard(p: StatCardProps<Stats["registered"]>) {
  return (
    <BucketLinesCard
      {...p}
      lines={[
        ["users", "users"],
        ["contacts", "contacts"],
      ]}
    />
  );
}

/** A top list of users by answered calls (callers or callees), talk time in the label. */
export function TopUsersCard({ id, title, query }: StatCardProps<Stats["topCallers"]>) {
  return (
    <ChartCard id={id} title={title} query={query} isEmpty={(d) => d.length === 0}>
      {(d) => (
        <BarChart
          horizontal
          labels={d.map((r) => `${r.user} (${formatDuration(r.seconds)})`)}
          series={[{ label: "answered calls", data: d.map((r) => r.calls) }]}
        />
      )}
    </ChartCard>
  );
}
