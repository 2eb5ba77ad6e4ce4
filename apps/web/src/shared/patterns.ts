/**
 * Checking the patterns stored in Kamailio tables before they are saved, in the browser and on the
 * server alike. Kamailio compiles them with C libraries the browser does not have, so each pattern is
 * rewritten into a JavaScript RegExp and compiled; what cannot be compiled is refused with the reason.
 *
 * - PCRE (dialplan match_exp with match_op 1, subst_exp): JavaScript's RegExp reads Perl syntax the
 *   same way for everything dialplans use (classes, groups, quantifiers, anchors, back-references).
 *   Leading option settings like `(?i)`, `\A`, `\z`, `\Z` and POSIX classes (`[[:digit:]]`) are
 *   rewritten. PCRE-only syntax is refused although Kamailio would take it: possessive quantifiers
 *   (`a++`), atomic groups `(?>…)`, `\Q…\E`, recursion `(?R)`, conditionals `(?(1)…)`, `\K`, and
 *   Python-style names `(?P<n>…)` (write `(?<n>…)`).
 * - POSIX ERE (re_grp.reg_exp) and BRE (trusted.from_pattern / ruri_pattern, regcomp without
 *   REG_EXTENDED): bracket expressions (where a backslash is an ordinary character) and POSIX classes
 *   are rewritten; in a BRE `\( \) \{ \} \|` are the operators and `( ) { } |` plain characters.
 * - fnmatch (dialplan match_op 2) cannot be invalid: an unterminated `[` is a literal.
 */

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

/** The bracket expression opening at p[i] as JS text, and the index after its "]". */
function bracket(p: string, i: number, backslashEscapes: boolean): { js: string; end: number } {
  let j = i + 1;
  let js = "[";
  if (p[j] === "^") js += p[j++];
  if (p[j] === "]") {
    js += "\\]";
    j++;
  }
  while (j < p.length && p[j] !== "]") {
    if (p.startsWith("[:", j)) {
      const close = p.indexOf(":]", j + 2);
      const cls = close < 0 ? undefined : POSIX_CLASSES[p.slice(j + 2, close)];
      if (cls === undefined) throw new SyntaxError(`unknown character class at position ${j + 1}`);
      js += cls;
      j = close + 2;
    } else if (p[j] === "\\") {
      js += backslashEscapes ? p.slice(j, j + 2) : "\\\\";
      j += backslashEscapes ? 2 : 1;
    } else {
      js += p[j] === "[" ? "\\[" : p[j];
      j++;
    }
  }
  if (j >= p.length) throw new SyntaxError(`missing ] for the [ at position ${i + 1}`);
  return { js: `${js}]`, end: j + 1 };
}

const PCRE_ONLY: [RegExp, string][] = [
  [/\(\?>/, "atomic groups (?>…) are PCRE-only"],
  [/\(\?P</, "write named groups as (?<name>…), not (?P<name>…)"],
  [/\(\?R\)|\(\?\d+\)/, "recursion is PCRE-only"],
  [/\(\?\(/, "conditional groups are PCRE-only"],
  [/\\Q|\\E|\\K/, "\\Q…\\E and \\K are PCRE-only"],
];

/** A PCRE pattern as a JS RegExp; throws SyntaxError with the reason when it cannot be used. */
export function pcreRegExp(pattern: string): RegExp {
  for (const [re, why] of PCRE_ONLY) if (re.test(pattern)) throw new SyntaxError(why);
  let flags = "";
  let i = 0;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (lead) {
    for (const o of lead[1]) {
      if (!"ism".includes(o)) throw new SyntaxError(`option (?${o}) is not supported`);
      if (!flags.includes(o)) flags += o;
    }
    i = lead[0].length;
  }
  let js = "";
  let afterQuantifier = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "+" && afterQuantifier)
      throw new SyntaxError("possessive quantifiers (a++, a*+) are PCRE-only");
    afterQuantifier = false;
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined) throw new SyntaxError("the pattern ends with a lone backslash");
      js += n === "A" ? "^" : n === "z" ? "$" : n === "Z" ? "(?=\\n?$)" : `\\${n}`;
      i += 2;
    } else if (c === "[") {
      const b = bracket(pattern, i, true);
      js += b.js;
      i = b.end;
    } else {
      afterQuantifier = "*+?}".includes(c);
      js += c;
      i++;
    }
  }
  return new RegExp(js, flags);
}

const BRE_SWAPPED = "(){}|+?";

/** A POSIX ERE (basic=false) or BRE (basic=true) pattern as a JS RegExp; throws SyntaxError. */
export function posixRegExp(pattern: string, basic: boolean, icase = false): RegExp {
  let js = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "[") {
      const b = bracket(pattern, i, false);
      js += b.js;
      i = b.end;
    } else if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined) throw new SyntaxError("the pattern ends with a lone backslash");
      js += basic && BRE_SWAPPED.includes(n) ? n : `\\${n}`;
      i += 2;
    } else {
      js += basic && BRE_SWAPPED.includes(c) ? `\\${c}` : c;
      i++;
    }
  }
  return new RegExp(js, icase ? "i" : "");
}

/** fnmatch(3) with flags 0: `*` any run, `?` one character, `[...]`/`[!...]` sets, `\` quotes. */
export function fnmatchRegExp(pattern: string): RegExp {
  let js = "";
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    const set = c === "[" ? fnmatchSet(pattern, i) : null;
    if (c === "*") {
      js += "[\\s\\S]*";
      i++;
    } else if (c === "?") {
      js += "[\\s\\S]";
      i++;
    } else if (set) {
      js += set.js;
      i = set.end;
    } else {
      const lit = c === "\\" && i + 1 < pattern.length ? pattern[++i] : c;
      js += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
      i++;
    }
  }
  return new RegExp(`^${js}$`);
}

/** fnmatch's "[!...]" is "[^...]"; null when the set is not terminated (then "[" is a literal). */
function fnmatchSet(pattern: string, i: number): { js: string; end: number } | null {
  // "[!" and "[^" have the same length, so indexes into the rewritten text map back one to one.
  const body = pattern[i + 1] === "!" ? `[^${pattern.slice(i + 2)}` : pattern.slice(i);
  try {
    const b = bracket(body, 0, true);
    return { js: b.js, end: i + b.end };
  } catch {
    return null;
  }
}

/** The reason a pattern does not compile, or null when it does. */
export function patternError(compile: () => RegExp): string | null {
  try {
    compile();
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    // V8 says "Invalid regular expression: /x(/: Unterminated group"; keep the reason.
    return msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}

/** Capture groups in a compiled RegExp. */
export function captureCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags).exec("")?.length ?? 1) - 1;
}
