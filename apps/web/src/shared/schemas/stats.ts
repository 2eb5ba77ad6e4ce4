/** Inputs of the chart procedures: a preset range ending now, or a custom from/to. */
import { z } from "zod";
import { timeWindow } from "./accounting";

export const RANGE_PRESETS = {
  "1h": 3600,
  "24h": 24 * 3600,
  "72h": 72 * 3600,
  "7d": 7 * 86_400,
  "30d": 30 * 86_400,
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;

/** Charts cover at most this many days (the buckets are days beyond a few days). */
export const MAX_RANGE_DAYS = 366;

export const chartInput = timeWindow.extend({
  range: z.enum(Object.keys(RANGE_PRESETS) as [RangePreset, ...RangePreset[]]).default("24h"),
});
export type ChartInput = z.input<typeof chartInput>;

/** Top callers / callees: how many rows. */
export const topInput = chartInput.extend({ limit: z.number().int().min(1).max(50).default(10) });

export type Bucket = "5m" | "1h" | "1d";
