/**
 * Inputs of the accounting pages (acc, missed_calls, cdrs, billing_rates), shared by the filters in
 * the browser, the list procedures and the CSV export route.
 */
import { z } from "zod";
import { listInput } from "./common";

/** "YYYY-MM-DDTHH:MM" as <input type=datetime-local> gives it (or a date alone); "" = open. */
const localDateTime = z
  .string()
  .trim()
  .max(32)
  .regex(/^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?)?$/, "use YYYY-MM-DD HH:MM")
  .default("");

/** A user part prefix (caller / callee filters). */
const userPrefix = z.string().trim().max(64).default("");

export const timeWindow = z.object({ from: localDateTime, to: localDateTime });

/**
 * acc / missed_calls filters. `code` is a reply code ("486"), or a class written as its first digit
 * or digits ("4", "48") or with x's ("4xx").
 */
export const accFilter = timeWindow.extend({
  caller: userPrefix,
  callee: userPrefix,
  code: z
    .string()
    .trim()
    .regex(/^([1-6]([0-9x]{0,2}))?$/i, "a SIP code such as 486, 48x or 4xx")
    .default(""),
  method: z
    .string()
    .trim()
    .max(16)
    .regex(/^[A-Za-z]*$/, "a SIP method such as INVITE")
    .default(""),
});
export type AccFilter = z.output<typeof accFilter>;

export const ACC_TABLES = ["acc", "missed_calls"] as const;
export type AccTable = (typeof ACC_TABLES)[number];

export const accListInput = listInput.extend({
  table: z.enum(ACC_TABLES).default("acc"),
  ...accFilter.shape,
});

export const cdrFilter = timeWindow.extend({
  caller: userPrefix,
  callee: userPrefix,
  /** Only calls that lasted at least this many seconds. */
  minDuration: z.number().int().min(0).max(86_400).default(0),
  rated: z.enum(["any", "rated", "unrated", "unmatched"]).default("any"),
});
export type CdrFilter = z.output<typeof cdrFilter>;

export const cdrListInput = listInput.extend(cdrFilter.shape);

/** What the CDR job does: generate CDRs from new acc rows (and rate them), or rate CDRs again. */
export const cdrJobInput = z.object({
  kind: z.enum(["generate", "rate"]),
  /** rate: every CDR again (after rates changed), not only unrated ones. */
  all: z.boolean().default(false),
  /** rate: the billing_rates group to rate with. */
  rateGroup: z.string().trim().min(1).max(64).default("default"),
});
export type CdrJobKind = z.output<typeof cdrJobInput>["kind"];

export const billingRateCreate = z.object({
  rateGroup: z
    .string()
    .trim()
    .min(1, "rate group is required")
    .max(64, "rate group is at most 64 characters"),
  prefix: z
    .string()
    .trim()
    .max(64, "prefix is at most 64 characters")
    .regex(/^[+]?[0-9A-Za-z*#]*$/, "prefix: digits, optionally after a +; empty matches every number"),
  rateUnit: z
    .number({ error: "rate unit is required" })
    .int("rate unit is a whole number")
    .min(0, "rate unit cannot be negative")
    .max(2_147_483_647),
  timeUnit: z
    .number({ error: "time unit is required" })
    .int("time unit is whole seconds")
    .min(0, "time unit cannot be negative (0 charges once per call)")
    .max(86_400, "time unit is at most 86400 s"),
});
export const billingRateUpdate = billingRateCreate.extend({ id: z.number().int().positive() });

/** Kinds of CSV export (one per list). */
export const EXPORT_KINDS = ["acc", "missed_calls", "cdrs"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
/** An export stops after this many rows; narrow the filters for more. */
export const EXPORT_MAX_ROWS = 200_000;
