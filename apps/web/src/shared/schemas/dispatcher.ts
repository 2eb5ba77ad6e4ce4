/**
 * `dispatcher` rows. The attrs column is a "name=value;name=value" list (ds_set_attrs); the form edits
 * the attributes the dispatcher module reads (duid, weight, rweight, maxload) in their own fields and
 * keeps the rest (socket=, ping_from=, obproxy=, custom ones) as text.
 */
import { z } from "zod";
import { sipUriError } from "../addresses";

/** Destination flag bits (the `flags` column and the runtime state, dispatch.h). */
export const DS_FLAG_BITS = [
  { bit: 1, name: "inactive" },
  { bit: 2, name: "trying" },
  { bit: 4, name: "disabled" },
  { bit: 8, name: "probing" },
  { bit: 16, name: "no DNS resolving" },
  { bit: 32, name: "no keepalive" },
] as const;

export function flagNames(flags: number): string[] {
  return DS_FLAG_BITS.filter((f) => flags & f.bit).map((f) => f.name);
}

export interface DsAttrHelpers {
  duid: string;
  weight?: number;
  rweight?: number;
  maxload?: number;
  /** Every other name=value pair, ";"-separated as typed. */
  otherAttrs: string;
}

const HELPER_NAMES = new Set(["duid", "weight", "rweight", "maxload"]);

/** "a=1;b;c=" -> [["a","1"],["b",null],["c",""]]. */
function pairs(text: string): [string, string | null][] {
  return text
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, null] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
    });
}

/** attrs text -> helper fields; a helper value that is not a number stays in otherAttrs. */
export function splitDsAttrs(attrs: string): DsAttrHelpers {
  const out: DsAttrHelpers = { duid: "", otherAttrs: "" };
  const rest: string[] = [];
  for (const [name, value] of pairs(attrs)) {
    const n = name.toLowerCase();
    if (n === "duid" && value !== null) out.duid = value;
    else if ((n === "weight" || n === "rweight" || n === "maxload") && /^\d+$/.test(value ?? "")) {
      out[n] = Number(value);
    } else rest.push(value === null ? name : `${name}=${value}`);
  }
  out.otherAttrs = rest.join(";");
  return out;
}

/** Helper fields -> attrs text, helpers first in a fixed order. */
export function joinDsAttrs(h: DsAttrHelpers): string {
  const parts: string[] = [];
  if (h.duid) parts.push(`duid=${h.duid}`);
  if (h.weight !== undefined) parts.push(`weight=${h.weight}`);
  if (h.rweight !== undefined) parts.push(`rweight=${h.rweight}`);
  if (h.maxload !== undefined) parts.push(`maxload=${h.maxload}`);
  parts.push(...pairs(h.otherAttrs).map(([n, v]) => (v === null ? n : `${n}=${v}`)));
  return parts.join(";");
}

const percent = (label: string) =>
  z
    .number({ error: `${label} must be a whole number` })
    .int(`${label} must be a whole number`)
    .min(1, `${label} must be 1-100`)
    .max(100, `${label} must be 1-100`)
    .optional();

const dispatcherFields = z.object({
  setid: z
    .number({ error: "set id is required" })
    .int("set id must be a whole number")
    .min(0, "set id must be 0 or more")
    .max(2147483647, "set id is too large"),
  destination: z
    .string()
    .trim()
    .min(1, "destination is required")
    .max(192, "destination is at most 192 characters")
    .superRefine((v, c) => {
      const err = sipUriError(v);
      if (err) c.addIssue({ code: "custom", message: `destination ${err}` });
    }),
  flags: z
    .number()
    .int("flags must be a whole number")
    .min(0, "flags must be 0-63")
    .max(63, "flags must be 0-63")
    .default(0),
  priority: z
    .number()
    .int("priority must be a whole number")
    .min(-2147483648, "priority is too small")
    .max(2147483647, "priority is too large")
    .default(0),
  duid: z
    .string()
    .trim()
    .max(64, "duid is at most 64 characters")
    .regex(/^[^;=\s]*$/, "duid may not contain ;, = or spaces")
    .default(""),
  weight: percent("weight"),
  rweight: percent("rweight"),
  maxload: z
    .number({ error: "maxload must be a whole number" })
    .int("maxload must be a whole number")
    .min(0, "maxload must be 0 or more")
    .max(1_000_000, "maxload is too large")
    .optional(),
  otherAttrs: z
    .string()
    .trim()
    .max(128, "other attributes are at most 128 characters")
    .superRefine((v, c) => {
      for (const [name] of pairs(v)) {
        if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
          c.addIssue({ code: "custom", message: `"${name}" is not an attribute name (name=value;...)` });
          return;
        }
        if (HELPER_NAMES.has(name.toLowerCase())) {
          c.addIssue({ code: "custom", message: `set ${name} in its own field` });
          return;
        }
      }
    })
    .default(""),
  description: z.string().trim().max(64, "description is at most 64 characters").default(""),
});

/** The joined attrs text must fit the column (VARCHAR(128)). */
const attrsFit = (v: z.infer<typeof dispatcherFields>) => joinDsAttrs(v).length <= 128;
const attrsFitMessage = {
  path: ["otherAttrs"],
  message: "all attributes together are at most 128 characters",
};

export const dispatcherCreate = dispatcherFields.refine(attrsFit, attrsFitMessage);
export const dispatcherUpdate = dispatcherFields
  .extend({ id: z.number().int().positive() })
  .refine(attrsFit, attrsFitMessage);
export type DispatcherInput = z.infer<typeof dispatcherCreate>;

/** States dispatcher.set_state accepts: the first letter, and "p" added for probing. */
export const DS_STATES = ["active", "inactive", "disabled", "trying"] as const;
export type DsStateName = (typeof DS_STATES)[number];

export const dispatcherSetState = z.object({
  /** Omitted: every enabled node. */
  nodeId: z.number().int().positive().optional(),
  setid: z.number().int().min(0),
  destination: z.string().trim().min(1).max(192),
  state: z.enum(DS_STATES),
  probing: z.boolean().default(false),
});

/** The state argument of dispatcher.set_state: "a", "ip", ... (ds_parse_flags). */
export function setStateArg(state: DsStateName, probing: boolean): string {
  return state[0] + (probing ? "p" : "");
}

/** Key matching a table row with a node's dispatcher.list entry: set id + URI (Kamailio adds "sip:"). */
export function destinationKey(setid: number, uri: string): string {
  const u = uri.trim();
  return `${setid} ${/^sips?:/i.test(u) ? u.replace(/^sips?:/i, (s) => s.toLowerCase()) : `sip:${u}`}`;
}
