/**
 * Kamailio's tables hold patterns for three C matchers; JavaScript's RegExp reads most of them the
 * same way, and this file rewrites the parts it does not:
 *
 * - "pcre": PCRE2 (dialplan match_exp/subst_exp). POSIX classes in brackets, \A \z \Z, and leading
 *   option settings such as (?i) are rewritten. PCRE-only syntax JavaScript cannot run is refused with
 *   the reason although Kamailio would take it: possessive quantifiers (a++), atomic groups (?>…),
 *   \Q…\E, \K, recursion (?R), conditionals (?(1)…), and Python-style names (?P<n>…) (write (?<n>…)).
 * - "ere":  POSIX extended, regcomp(REG_EXTENDED) (group `re_grp.reg_exp`).
 * - "bre":  POSIX basic, regcomp() without REG_EXTENDED (permissions `trusted.from_pattern`,
 *   `ruri_pattern`): \( \) \{ \} group and count, GNU's \| \+ \? are operators, while ( ) { } | + ?
 *   are plain characters.
 * In both POSIX flavours a backslash inside a bracket expression is an ordinary character.
 * `fnmatchRegExp` covers fnmatch(3) with flags 0 (dialplan match_op 2).
 */

export type RegexFlavor = "pcre" | "ere" | "bre";

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  cntrl: "\\x00-\\x1f\\x7f",
  print: " -~",
  graph: "!-~",
  word: "\\w",
};

/** Translates the bracket expression starting at p[i] === "["; returns the JS text and the index after "]". */
function bracket(p: string, i: number, backslash: "literal" | "escape"): { js: string; end: number } {
  let j = i + 1;
  let js = "[";
  if (p[j] === "^") {
    js += "^";
    j++;
  }
  if (p[j] === "]") {
    js += "\\]";
    j++;
  }
  while (j < p.length && p[j] !== "]") {
    const c = p[j];
    if (c === "[" && p[j + 1] === ":") {
      const close = p.indexOf(":]", j + 2);
      const cls = close < 0 ? undefined : POSIX_CLASSES[p.slice(j + 2, close)];
      if (cls === undefined) throw new SyntaxError(`unknown character class at position ${j + 1}`);
      js += cls;
      j = close + 2;
    } else if (c === "\\") {
      if (backslash === "literal") {
        js += "\\\\";
        j++;
      } else {
        js += p.slice(j, j + 2);
        j += 2;
      }
    } else {
      js += c === "[" ? "\\[" : c;
      j++;
    }
  }
  if (j >= p.length) throw new SyntaxError(`missing ] for the [ at position ${i + 1}`);
  return { js: `${js}]`, end: j + 1 };
}

const PCRE_OPTIONS: Record<string, string> = { i: "i", s: "s", m: "m" };

/** PCRE syntax with no JavaScript equivalent, and the reason given when a pattern uses it. */
const PCRE_ONLY: [RegExp, string][] = [
  [/\(\?>/, "atomic groups (?>…) are PCRE-only"],
  [/\(\?P</, "write named groups as (?<name>…), not (?P<name>…)"],
  [/\(\?R\)|\(\?\d+\)/, "recursion is PCRE-only"],
  [/\(\?\(/, "conditional groups are PCRE-only"],
  [/\\Q|\\E|\\K/, "\\Q…\\E and \\K are PCRE-only"],
];

function translatePcre(p: string, flags: Set<string>): string {
  for (const [re, why] of PCRE_ONLY) if (re.test(p)) throw new SyntaxError(why);
  let i = 0;
  // Leading option settings apply to the whole pattern, the only place PCRE users put them.
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(p);
  if (lead) {
    for (const o of lead[1]) {
      if (!PCRE_OPTIONS[o]) throw new SyntaxError(`option (?${o}) is not supported`);
      flags.add(PCRE_OPTIONS[o]);
    }
    i = lead[0].length;
  }
  let out = "";
  // A "+" right after a quantifier makes it possessive in PCRE; JS would only say "nothing to repeat".
  let afterQuantifier = false;
  while (i < p.length) {
    const c = p[i];
    if (c === "+" && afterQuantifier)
      throw new SyntaxError("possessive quantifiers (a++, a*+) are PCRE-only");
    afterQuantifier = false;
    if (c === "\\") {
      const n = p[i + 1];
      if (n === undefined) throw new SyntaxError("the pattern ends with a lone backslash");
      if (n === "A") out += "^";
      else if (n === "z") out += "$";
      else if (n === "Z") out += "(?=\\n?$)";
      else out += `\\${n}`;
      i += 2;
    } else if (c === "[") {
      const b = bracket(p, i, "escape");
      out += b.js;
      i = b.end;
    } else {
      afterQuantifier = "*+?}".includes(c);
      out += c;
      i++;
    }
  }
  return out;
}

const BRE_OPERATORS: Record<string, string> = {
  "(": "(",
  ")": ")",
  "{": "{",
  "}": "}",
  "|": "|",
  "+": "+",
  "?": "?",
};

function translatePosix(p: string, basic: boolean): string {
  let out = "";
  let i = 0;
  // Where a BRE "*" is an ordinary character and "^" is an anchor: at the start and after \( or \|.
  let atStart = true;
  while (i < p.length) {
    const c = p[i];
    const start = atStart;
    atStart = false;
    if (c === "[") {
      const b = bracket(p, i, "literal");
      out += b.js;
      i = b.end;
    } else if (c === "\\") {
      const n = p[i + 1];
      if (n === undefined) throw new SyntaxError("the pattern ends with a lone backslash");
      if (basic && BRE_OPERATORS[n]) {
        out += BRE_OPERATORS[n];
        atStart = n === "(" || n === "|";
      } else if (n === "<") out += "\\b(?=\\w)";
      else if (n === ">") out += "\\b(?<=\\w)";
      else out += `\\${n}`;
      i += 2;
    } else if (basic && BRE_OPERATORS[c]) {
      out += `\\${c}`;
      i++;
    } else if (basic && c === "*" && start) {
      out += "\\*";
      i++;
    } else if (basic && c === "^" && !start) {
      out += "\\^";
      i++;
    } else if (
      basic &&
      c === "$" &&
      i + 1 < p.length &&
      !(p[i + 1] === "\\" && (p[i + 2] === ")" || p[i + 2] === "|"))
    ) {
      out += "\\$";
      i++;
    } else {
      if (c === "^") atStart = true;
      out += c;
      i++;
    }
  }
  return out;
}

/** Compiles a pattern of the given flavour; throws SyntaxError with the reason when it is invalid. */
export function compileRegex(pattern: string, flavor: RegexFlavor, opts: { icase?: boolean } = {}): RegExp {
  const flags = new Set<string>();
  if (opts.icase) flags.add("i");
  const source =
    flavor === "pcre" ? translatePcre(pattern, flags) : translatePosix(pattern, flavor === "bre");
  return new RegExp(source, [...flags].join(""));
}

/**
 * fnmatch(3) with flags 0: `*` any run (including "/" and a leading "."), `?` one character,
 * `[...]` / `[!...]` sets, backslash quotes the next character. An unterminated "[" is literal.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    const set = c === "[" ? fnmatchBracket(pattern, i) : null;
    if (c === "*") {
      out += "[\\s\\S]*";
      i++;
    } else if (c === "?") {
      out += "[\\s\\S]";
      i++;
    } else if (set) {
      out += set.js;
      i = set.end;
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += escapeRegExp(pattern[i + 1]);
      i += 2;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return new RegExp(`${out}$`);
}

/** fnmatch's "[!...]" is "[^...]"; null when the set is not terminated (then "[" is literal). */
function fnmatchBracket(pattern: string, i: number): { js: string; end: number } | null {
  const body = pattern[i + 1] === "!" ? `[^${pattern.slice(i + 2)}` : pattern.slice(i);
  try {
    const b = bracket(body, 0, "escape");
    return { js: b.js, end: i + b.end };
  } catch {
    return null;
  }
}

/** Capture groups in a compiled RegExp (what repl_exp's \N may refer to). */
export function captureCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags).exec("")?.length ?? 1) - 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
