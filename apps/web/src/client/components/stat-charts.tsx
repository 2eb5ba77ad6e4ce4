"use client";
/**
 * The statistics charts that both the Charts page and the dashboard show: one card per stats query,
 * so the two pages draw the same series with the same labels.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { formatDuration } from "../../shared/format";
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

/** SIP requests received and forwarded per bucket. */
export function SipLoadCard({ id, title, query, emptyText }: StatCardProps<Stats["sipLoad"]>) {
  return (
    <ChartCard id={id} title={title} query={query} isEmpty={(d) => allEmpty(d.series)} emptyText={emptyText}>
      {(d) => (
        <LineChart
          labels={bucketLabels(d.keys, d.bucket)}
          series={[
            { label: "received", data: d.series.rcv },
            { label: "forwarded", data: d.series.fwd },
          ]}
        />
      )}
    </ChartCard>
  );
}

/** Registered users and contacts per bucket. */
export function RegisteredCard({ id, title, query, emptyText }: StatCardProps<Stats["registered"]>) {
  return (
    <ChartCard id={id} title={title} query={query} isEmpty={(d) => allEmpty(d.series)} emptyText={emptyText}>
      {(d) => (
        <LineChart
          labels={bucketLabels(d.keys, d.bucket)}
          series={[
            { label: "users", data: d.series.users },
            { label: "contacts", data: d.series.contacts },
          ]}
        />
      )}
    </ChartCard>
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
