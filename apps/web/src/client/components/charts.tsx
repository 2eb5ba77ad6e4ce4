"use client";
/**
 * chart.js through react-chartjs-2, for the Charts page, the dashboard and the registrations page:
 * the elements registered once, animation off (steady screenshots, no CPU spent on tweening), and a
 * ChartCard that shows a query's loading, error and empty states in the chart's place.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import {
  ArcElement,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  type ChartOptions,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type { ReactNode } from "react";
import { Bar, Doughnut, Line } from "react-chartjs-2";
import type { Bucket } from "../../shared/schemas/stats";
import { errorMessage } from "../errors";

ChartJS.register(
  ArcElement,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
);

/** Colour-blind-safe palette (Okabe–Ito), in the order series are drawn. */
export const COLORS = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

const baseOptions = (legend: boolean) => ({
  animation: false as const,
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: "index" as const, intersect: false },
  plugins: { legend: { display: legend, position: "bottom" as const, labels: { boxWidth: 12 } } },
});

export interface SeriesSpec {
  label: string;
  data: (number | null)[];
  /** Right-hand axis (a second unit). */
  right?: boolean;
}

/** "2026-02-01 10:00" -> "10:00" (one day), "02-01 10:00" (several), "02-01" (day buckets). */
export function bucketLabels(keys: string[], bucket: Bucket): string[] {
  if (bucket === "1d") return keys.map((k) => k.slice(5, 10));
  const days = new Set(keys.map((k) => k.slice(0, 10)));
  return keys.map((k) => (days.size > 1 ? k.slice(5, 16) : k.slice(11, 16)));
}

function datasets(series: SeriesSpec[], fill: boolean) {
  return series.map((s, i) => ({
    label: s.label,
    data: s.data,
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: fill ? `${COLORS[i % COLORS.length]}cc` : COLORS[i % COLORS.length],
    // Small points: a bucket between two gaps still shows.
    pointRadius: 1.5,
    borderWidth: 2,
    spanGaps: false,
    yAxisID: s.right ? "y1" : "y",
  }));
}

function scales(
  series: SeriesSpec[],
  opts: { stacked?: boolean; yTitle?: string; y1Title?: string; yFormat?: (v: number) => string },
) {
  const y = {
    beginAtZero: true,
    stacked: opts.stacked,
    title: opts.yTitle ? { display: true, text: opts.yTitle } : undefined,
    ticks: opts.yFormat ? { callback: (v: number | string) => opts.yFormat?.(Number(v)) } : { precision: 0 },
  };
  const out: Record<string, unknown> = {
    x: { stacked: opts.stacked, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
    y,
  };
  if (series.some((s) => s.right))
    out.y1 = {
      position: "right",
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      title: opts.y1Title ? { display: true, text: opts.y1Title } : undefined,
    };
  return out;
}

export interface XYChartProps {
  labels: string[];
  series: SeriesSpec[];
  stacked?: boolean;
  yTitle?: string;
  y1Title?: string;
  yFormat?: (v: number) => string;
  /** Horizontal bars (top lists). */
  horizontal?: boolean;
  legend?: boolean;
}

export function LineChart(p: XYChartProps) {
  return (
    <Line
      data={{ labels: p.labels, datasets: datasets(p.series, false) }}
      options={{ ...baseOptions(p.legend ?? true), scales: scales(p.series, p) } as ChartOptions<"line">}
    />
  );
}

export function BarChart(p: XYChartProps) {
  const options = {
    ...baseOptions(p.legend ?? p.series.length > 1),
    indexAxis: p.horizontal ? "y" : "x",
    scales: p.horizontal
      ? { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } }
      : scales(p.series, p),
  } as ChartOptions<"bar">;
  return <Bar data={{ labels: p.labels, datasets: datasets(p.series, true) }} options={options} />;
}

export function DoughnutChart({ labels, values }: { labels: string[]; values: number[] }) {
  return (
    <Doughnut
      data={{
        labels,
        datasets: [{ data: values, backgroundColor: labels.map((_, i) => COLORS[i % COLORS.length]) }],
      }}
      options={{
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "right", labels: { boxWidth: 12 } } },
      }}
    />
  );
}

export interface ChartCardProps<T> {
  /** Also the test id: chart-<id>. */
  id: string;
  title: ReactNode;
  query: UseQueryResult<T, unknown>;
  isEmpty: (data: T) => boolean;
  children: (data: T) => ReactNode;
  emptyText?: string;
  note?: ReactNode;
}

/** A titled chart box: the chart once data is there, else a loading / error / empty message. */
export function ChartCard<T>({ id, title, query, isEmpty, children, emptyText, note }: ChartCardProps<T>) {
  let body: ReactNode;
  if (query.isPending) body = <div className="chart-state">Loading…</div>;
  else if (query.isError)
    body = (
      <div className="chart-state table-error" role="alert">
        <span>
          Could not load: {errorMessage(query.error)}{" "}
          <button type="button" className="btn btn-small" onClick={() => query.refetch()}>
            Retry
          </button>
        </span>
      </div>
    );
  else if (isEmpty(query.data))
    body = <div className="chart-state">{emptyText ?? "No data in this range."}</div>;
  else body = children(query.data);
  return (
    <section
      className="chart-card"
      aria-label={typeof title === "string" ? title : id}
      data-testid={`chart-${id}`}
    >
      <h2>{title}</h2>
      <div className="chart-box" aria-busy={query.isFetching}>
        {body}
      </div>
      {note && <small className="help">{note}</small>}
    </section>
  );
}

/** True when a series map holds nothing but zeros and gaps. */
export const allEmpty = (series: Record<string, (number | null)[]>) =>
  Object.values(series).every((s) => s.every((v) => !v));
