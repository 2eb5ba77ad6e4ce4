/**
 * `dialplan` rows, checked the way the dialplan module compiles them when it loads the table: with
 * match_op 1 the match expression must compile, subst_exp must compile, and repl_exp may only refer to
 * sub-expressions (\1..\9) that subst_exp has. The checks are @switchboard/match's, the code the
 * dialplan module compiles rows with; this file adds the messages a form shows.
 */

import { captureCount, compileRegex, parseRepl } from "@switchboard/match";
import { z } from "zod";
import { patternError } from "../patterns";

export const MATCH_OPS = [
  { value: 0, label: "equal" },
  { value: 1, label: "regex (PCRE)" },
  { value: 2, label: "fnmatch" },
] as const;

const int32 = (label: string, min = -2147483648) =>
  z
    .number({ error: `${label} is required` })
    .int(`${label} must be a whole number`)
    .min(min, min === 0 ? `${label} must be 0 or more` : `${label} is too small`)
    .max(2147483647, `${label} is too large`);

const dialplanFields = z.object({
  dpid: int32("dpid", 0),
  pr: int32("priority"),
  matchOp: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: "match operator must be 0, 1 or 2" }),
  matchExp: z
    .string()
    .min(1, "match expression is required")
    .max(64, "match expression is at most 64 characters"),
  matchLen: int32("match length", 0).default(0),
  substExp: z.string().max(64, "substitution expression is at most 64 characters").default(""),
  replExp: z.string().max(256, "replacement is at most 256 characters").default(""),
  attrs: z.string().max(64, "attributes are at most 64 characters").default(""),
});

type DialplanFields = z.infer<typeof dialplanFields>;

/** Highest \N in a replacement (Kamailio's parse_repl), or why the module would refuse it (unknown escape, bad $pv). */
export function replGroups(repl: string): { max: number } | { error: string } {
  try {
    return { max: parseRepl(repl).maxGroup };
  } catch (e) {
    const msg = (e as Error).message;
    return {
      error: msg.startsWith("unknown escape") ? `${msg} (use \\0-\\9, \\\\, \\n, \\r, \\t, \\$, \\u)` : msg,
    };
  }
}

/** Adds a field issue for every part of the rule the dialplan module would refuse. */
function checkRule(v: DialplanFields, c: z.RefinementCtx) {
  if (v.matchOp === 1) {
    const err = patternError(() => compileRegex(v.matchExp, "pcre"));
    if (err)
      c.addIssue({ code: "custom", path: ["matchExp"], message: `invalid regular expression: ${err}` });
  }
  let groups = 0;
  if (v.substExp) {
    const err = patternError(() => compileRegex(v.substExp, "pcre"));
    if (err)
      c.addIssue({ code: "custom", path: ["substExp"], message: `invalid regular expression: ${err}` });
    else groups = captureCount(compileRegex(v.substExp, "pcre"));
  }
  const repl = replGroups(v.replExp);
  if ("error" in repl) c.addIssue({ code: "custom", path: ["replExp"], message: repl.error });
  else if (repl.max > groups) {
    c.addIssue({
      code: "custom",
      path: ["replExp"],
      message: v.substExp
        ? `refers to \\${repl.max}, but the substitution expression has ${groups} group${groups === 1 ? "" : "s"}`
        : `refers to \\${repl.max}: add a substitution expression with that group`,
    });
  }
}

export const dialplanCreate = dialplanFields.superRefine(checkRule);
export const dialplanUpdate = dialplanFields
  .extend({ id: z.number().int().positive() })
  .superRefine(checkRule);
export type DialplanInput = z.infer<typeof dialplanCreate>;

export const dialplanTranslate = z.object({
  nodeId: z.number().int().positive(),
  dpid: int32("dpid", 0),
  input: z
    .string()
    .trim()
    .min(1, "enter a number or string to translate")
    .max(128, "input is at most 128 characters"),
});
