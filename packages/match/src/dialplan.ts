/**
 * Dialplan rules as Kamailio's dialplan module applies them (dp_db.c, dp_repl.c):
 *
 * - Rules are grouped by dpid. Within a dpid, rules whose match_len equals the input's length are
 *   tried first, then the rules with match_len 0 (any length); each group in priority order (`pr`
 *   ascending, as loaded with ORDER BY pr). The first rule whose match_exp matches wins.
 * - match_op 0: the input equals match_exp; 1: match_exp is a PCRE that matches somewhere in the
 *   input; 2: fnmatch(match_exp, input).
 * - The output is built from repl_exp alone: `\N` is capture group N of subst_exp applied to the input
 *   (`\0` the whole match), `\\` `\n` `\r` `\t` `\$` are characters, `\u` is the request URI and `$pv`
 *   a pseudo-variable (both from the optional context). Text of the input outside repl_exp is not
 *   kept (this is not sed). Without escapes, or without subst_exp, repl_exp is copied as is; an empty
 *   repl_exp gives an empty output, which Kamailio treats as "leave the value unchanged".
 * - When subst_exp does not match the input, the translation fails (the next rule is not tried).
 *
 * sipd's dialplan module loads the table with this code and the console evaluates rows with it, so
 * both pick the same rule.
 *
 * Unlike Kamailio, which refuses the whole reload, a row that does not compile is left out and
 * reported with its id; the other rows are used.
 */
import { captureCount, compileRegex, fnmatchRegExp } from "./regex.ts";

export const DP_EQUAL_OP = 0;
export const DP_REGEX_OP = 1;
export const DP_FNMATCH_OP = 2;

/** Kamailio's MAX_PHONE_NB_DIGITS: longer outputs are an error. */
const MAX_OUTPUT = 127;

export interface DialplanRow {
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

/** A piece of repl_exp: literal text, a capture group, the request URI or a pseudo-variable. */
type ReplPart = { text: string } | { group: number } | { uri: true } | { pv: string };

export interface DialplanRule extends DialplanRow {
  matches(input: string): boolean;
  subst: RegExp | null;
  /** null when repl_exp is empty; parts when it has escapes; otherwise repl_exp is copied as is. */
  repl: ReplPart[] | null;
}

export interface DialplanId {
  dpid: number;
  /** Rules by match_len (> 0), each list in priority order. */
  byLen: Map<number, DialplanRule[]>;
  /** Rules with match_len 0, in priority order. */
  anyLen: DialplanRule[];
}

export type DialplanData = Map<number, DialplanId>;

/** A row left out of a build because it does not compile (fits the modules' LoadIssue). */
export interface RuleIssue {
  id: number;
  message: string;
}

/** Values for `\u` and pseudo-variables in repl_exp; absent ones expand to "" like Kamailio without a message. */
export interface TranslateContext {
  uri?: string;
  vars?: Record<string, string>;
}

export interface Translation {
  output: string;
  attrs: string;
  ruleId: number;
}

const PV_NAME = /^\$(\([^)]*\)|[A-Za-z_][\w.]*(\([^)]*\))?)/;

/** parse_repl(): splits repl_exp into parts; throws on an unknown escape or a bad `$` specifier. */
export function parseRepl(repl: string): { parts: ReplPart[]; escapes: number; maxGroup: number } {
  const parts: ReplPart[] = [];
  let text = "";
  let escapes = 0;
  let maxGroup = 0;
  const flush = () => {
    if (text) parts.push({ text });
    text = "";
  };
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c === "\\" && i + 1 < repl.length) {
      const n = repl[++i];
      escapes++;
      if (n >= "0" && n <= "9") {
        flush();
        parts.push({ group: Number(n) });
        maxGroup = Math.max(maxGroup, Number(n));
      } else if (n === "u") {
        flush();
        parts.push({ uri: true });
      } else {
        const ch = { "\\": "\\", n: "\n", r: "\r", t: "\t", $: "$" }[n];
        if (ch === undefined) throw new SyntaxError(`unknown escape \\${n}`);
        text += ch;
      }
    } else if (c === "$") {
      const m = PV_NAME.exec(repl.slice(i));
      if (!m) throw new SyntaxError(`bad pseudo-variable at offset ${i}`);
      flush();
      escapes++;
      parts.push({ pv: m[0] });
      i += m[0].length - 1;
    } else {
      text += c;
    }
  }
  flush();
  return { parts, escapes, maxGroup };
}

/** build_rule(): compiles one row; throws with the reason when it cannot be used. */
export function compileRule(row: DialplanRow): DialplanRule {
  let matches: (s: string) => boolean;
  if (row.matchOp === DP_EQUAL_OP) {
    matches = (s) => s === row.matchExp;
  } else if (row.matchOp === DP_REGEX_OP) {
    let re: RegExp;
    try {
      re = compileRegex(row.matchExp, "pcre");
    } catch (e) {
      throw new Error(`bad match_exp ${JSON.stringify(row.matchExp)}: ${(e as Error).message}`);
    }
    matches = (s) => re.test(s);
  } else if (row.matchOp === DP_FNMATCH_OP) {
    const re = fnmatchRegExp(row.matchExp);
    matches = (s) => re.test(s);
  } else {
    throw new Error(`invalid match_op ${row.matchOp} (0 equal, 1 regex, 2 fnmatch)`);
  }

  let subst: RegExp | null = null;
  if (row.substExp) {
    try {
      subst = compileRegex(row.substExp, "pcre");
    } catch (e) {
      throw new Error(`bad subst_exp ${JSON.stringify(row.substExp)}: ${(e as Error).message}`);
    }
  }

  let repl: ReplPart[] | null = null;
  if (row.replExp) {
    let parsed: ReturnType<typeof parseRepl>;
    try {
      parsed = parseRepl(row.replExp);
    } catch (e) {
      throw new Error(`bad repl_exp ${JSON.stringify(row.replExp)}: ${(e as Error).message}`);
    }
    const groups = subst ? captureCount(subst) : 0;
    if (parsed.maxGroup > groups) {
      throw new Error(
        `repl_exp ${JSON.stringify(row.replExp)} refers to ${parsed.maxGroup} sub-expressions, ` +
          `but subst_exp ${JSON.stringify(row.substExp)} has only ${groups}`,
      );
    }
    repl = subst && parsed.escapes > 0 ? parsed.parts : [{ text: row.replExp }];
  }
  return { ...row, matches, subst, repl };
}

/** Compiles rows (already in priority order) into per-dpid indexes; bad rows become issues. */
export function buildDialplan(rows: readonly DialplanRow[]): {
  data: DialplanData;
  size: number;
  issues: RuleIssue[];
} {
  const data: DialplanData = new Map();
  const issues: RuleIssue[] = [];
  let size = 0;
  for (const row of rows) {
    let rule: DialplanRule;
    try {
      rule = compileRule(row);
    } catch (e) {
      issues.push({ id: row.id, message: `dpid ${row.dpid}: ${(e as Error).message}` });
      continue;
    }
    let id = data.get(row.dpid);
    if (!id) {
      id = { dpid: row.dpid, byLen: new Map(), anyLen: [] };
      data.set(row.dpid, id);
    }
    if (row.matchLen > 0) {
      const list = id.byLen.get(row.matchLen) ?? [];
      list.push(rule);
      id.byLen.set(row.matchLen, list);
    } else {
      id.anyLen.push(rule);
    }
    size++;
  }
  return { data, size, issues };
}

/** The rule that applies to `input`: same-length rules first, then any-length ones. */
export function findRule(id: DialplanId, input: string): DialplanRule | null {
  for (const list of [id.byLen.get(input.length), id.anyLen]) {
    if (!list) continue;
    for (const rule of list) if (rule.matches(input)) return rule;
  }
  return null;
}

/** rule_translate(): the output of a matched rule, or null when subst_exp fails or it overflows. */
export function applyRule(rule: DialplanRule, input: string, ctx: TranslateContext = {}): string | null {
  if (!rule.repl) return "";
  let m: RegExpExecArray | null = null;
  if (rule.subst) {
    m = rule.subst.exec(input);
    if (!m) return null;
  }
  let out = "";
  for (const part of rule.repl) {
    if ("text" in part) out += part.text;
    else if ("group" in part) out += m?.[part.group] ?? "";
    else if ("uri" in part) out += ctx.uri ?? "";
    else out += ctx.vars?.[part.pv] ?? "";
  }
  return out.length >= MAX_OUTPUT ? null : out;
}

/**
 * The rule dp_translate() picks for `input` in `dpid` and the output it builds; output is null when
 * that rule's subst_exp does not match or the output overflows (the translation fails). The console
 * uses this to name the rule; null when no rule matches.
 */
export function matchRule(
  data: DialplanData,
  dpid: number,
  input: string,
  ctx?: TranslateContext,
): { rule: DialplanRule; output: string | null } | null {
  const id = data.get(dpid);
  if (!id || input === "") return null;
  const rule = findRule(id, input);
  return rule && { rule, output: applyRule(rule, input, ctx) };
}

/** dp_translate(): null when the dpid has no rule for the input or the matched rule cannot build an output. */
export function translate(
  data: DialplanData,
  dpid: number,
  input: string,
  ctx?: TranslateContext,
): Translation | null {
  const m = matchRule(data, dpid, input, ctx);
  return m?.output == null ? null : { output: m.output, attrs: m.rule.attrs, ruleId: m.rule.id };
}

/** Rules of a dpid in Kamailio's dump order: by match_len ascending, match_len 0 last, then priority. */
export function rulesInOrder(id: DialplanId): DialplanRule[] {
  const lens = [...id.byLen.keys()].sort((a, b) => a - b);
  return [...lens.flatMap((l) => id.byLen.get(l) ?? []), ...id.anyLen];
}
