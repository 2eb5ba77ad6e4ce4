/**
 * Which `dialplan` row translates an input, found the way the dialplan module searches (dp_repl.c):
 * within the dpid, rules whose match_len equals the input's length first, then rules with
 * match_len 0 (any length), each group by priority `pr` ascending (the module loads ORDER BY pr; ties
 * by id, load order). match_op 0 compares for equality, 1 searches the PCRE anywhere in the input,
 * 2 applies fnmatch to the whole input. The first rule that matches is the one used; if its
 * subst_exp then does not match, the translation fails (no further rule is tried).
 *
 * The console evaluates the table, while `dialplan.translate` answers from what the node loaded: the
 * page shows both, and they differ only while a reload is pending or a row could not be compiled.
 */
import { fnmatchRegExp, pcreRegExp } from "../shared/patterns";

export interface DialplanRule {
  id: number;
  dpid: number;
  pr: number;
  matchOp: number;
  matchExp: string;
  matchLen: number;
  substExp: string;
  replExp: string;
  attrs: string;
}

export interface RuleEvaluation {
  rule: DialplanRule;
  /** The output this rule builds, null when subst_exp does not match (the translation fails). */
  output: string | null;
  /** Rows left out because they do not compile (ids with the reason). */
  skipped: { id: number; error: string }[];
}

function matcher(rule: DialplanRule): (s: string) => boolean {
  if (rule.matchOp === 0) return (s) => s === rule.matchExp;
  const re = rule.matchOp === 1 ? pcreRegExp(rule.matchExp) : fnmatchRegExp(rule.matchExp);
  return (s) => re.test(s);
}

/**
 * repl_exp applied to the input: `\N` is group N of subst_exp's match, `\\ \n \r \t \$` are
 * characters; `\u` (the request URI) and `$pv` are empty here, as without a message. Without
 * subst_exp the replacement is copied as is.
 */
export function applyReplacement(rule: DialplanRule, input: string): string | null {
  if (!rule.replExp) return "";
  if (!rule.substExp) return rule.replExp;
  const m = pcreRegExp(rule.substExp).exec(input);
  if (!m) return null;
  const escapes: Record<string, string> = { "\\": "\\", n: "\n", r: "\r", t: "\t", $: "$", u: "" };
  return rule.replExp.replace(
    /\\(.)|\$(\([^)]*\)|[A-Za-z_][\w.]*(\([^)]*\))?)/g,
    (_, esc: string | undefined) => {
      if (esc === undefined) return "";
      return /\d/.test(esc) ? (m[Number(esc)] ?? "") : (escapes[esc] ?? "");
    },
  );
}

/** The rule of `rules` (one dpid, ordered by pr then id) that translates `input`, or null. */
export function evaluateDialplan(rules: readonly DialplanRule[], input: string): RuleEvaluation | null {
  const skipped: RuleEvaluation["skipped"] = [];
  const usable: { rule: DialplanRule; matches: (s: string) => boolean }[] = [];
  for (const rule of rules) {
    try {
      if (rule.substExp) pcreRegExp(rule.substExp);
      usable.push({ rule, matches: matcher(rule) });
    } catch (e) {
      skipped.push({ id: rule.id, error: (e as Error).message });
    }
  }
  const sameLength = usable.filter((u) => u.rule.matchLen > 0 && u.rule.matchLen === input.length);
  const anyLength = usable.filter((u) => u.rule.matchLen === 0);
  for (const u of [...sameLength, ...anyLength]) {
    if (u.matches(input)) return { rule: u.rule, output: applyReplacement(u.rule, input), skipped };
  }
  return null;
}
