import assert from "node:assert/strict";
import { test } from "node:test";
import { captureCount, compileRegex, fnmatchRegExp } from "./regex.ts";

test("POSIX basic: \\( \\) group, ( ) + ? | are plain characters", () => {
  const re = compileRegex("^sip:\\(alice\\|bob\\)@a+b(c)?$", "bre");
  assert.ok(re.test("sip:alice@a+b(c)?"));
  assert.ok(re.test("sip:bob@a+b(c)?"));
  assert.ok(!re.test("sip:alice@aab"));
  assert.ok(compileRegex("^sip:.*@example\\.com$", "bre").test("sip:123@example.com"));
  assert.ok(compileRegex("*x", "bre").test("a*x"), "a leading * is literal in a BRE");
  assert.ok(compileRegex("a$b", "bre").test("xa$b"), "$ is an anchor only at the end");
});

test("POSIX extended with classes, a literal backslash in brackets and case folding", () => {
  const re = compileRegex("^sip:[[:digit:]]{3}@[a-z.]+$", "ere", { icase: true });
  assert.ok(re.test("SIP:123@Example.COM"));
  assert.ok(!re.test("sip:12@example.com"));
  assert.ok(compileRegex("^[\\]+$", "ere").test("\\\\"));
});

test("PCRE: leading (?i), \\A \\z and POSIX classes; invalid patterns throw", () => {
  assert.ok(compileRegex("(?i)^ABC$", "pcre").test("abc"));
  assert.ok(compileRegex("\\A[[:alpha:]]+\\z", "pcre").test("Kam"));
  assert.throws(() => compileRegex("^(00[1-9", "pcre"), SyntaxError);
  assert.throws(() => compileRegex("a*+", "pcre"), SyntaxError);
});

test("fnmatch: * ? [set] [!set] and backslash quoting, unterminated [ is literal", () => {
  assert.ok(fnmatchRegExp("00*").test("0049301234"));
  assert.ok(!fnmatchRegExp("00*").test("0149"));
  assert.ok(fnmatchRegExp("1?3").test("123"));
  assert.ok(fnmatchRegExp("[0-4]*").test("3"));
  assert.ok(!fnmatchRegExp("[!0-4]*").test("3"));
  assert.ok(fnmatchRegExp("a\\*").test("a*"));
  assert.ok(!fnmatchRegExp("a\\*").test("ab"));
  assert.ok(fnmatchRegExp("[abc").test("[abc"));
  assert.ok(fnmatchRegExp("+49.*").test("+49.123"));
});

test("PCRE patterns dialplans use compile to the same matches", () => {
  assert.ok(compileRegex("^00([1-9][0-9]+)$", "pcre").test("004930123"));
  assert.ok(compileRegex("^\\+49", "pcre").test("+4930"));
  assert.ok(compileRegex("^[[:digit:]]{3}$", "pcre").test("123"));
  assert.ok(!compileRegex("^[[:digit:]]{3}$", "pcre").test("12a"));
  assert.ok(compileRegex("(?i)^sip:ALICE", "pcre").test("sip:alice@x"));
  assert.ok(compileRegex("\\A12\\z", "pcre").test("12"));
  assert.ok(!compileRegex("\\A12\\z", "pcre").test("123"));
});

test("PCRE syntax JavaScript cannot run is refused with the reason", () => {
  const pcre = (p: string) => () => compileRegex(p, "pcre");
  assert.throws(pcre("^(12"), /Unterminated group/);
  assert.throws(pcre("a++"), /possessive/);
  assert.throws(pcre("(?>ab)"), /atomic/);
  assert.throws(pcre("(?P<n>1)"), /\(\?<name>/);
  assert.throws(pcre("(?R)"), /recursion/);
  assert.throws(pcre("(?(1)a|b)"), /conditional/);
  assert.throws(pcre("\\Qa.b\\E"), /PCRE-only/);
  assert.throws(pcre("(?x)ab"), /option \(\?x\)/);
  assert.throws(pcre("[[:digits:]]"), /unknown character class/);
  assert.throws(pcre("1\\"), /lone backslash/);
  assert.doesNotThrow(pcre("^\\++49"), "an escaped + may be quantified");
  assert.doesNotThrow(pcre("a+?"), "lazy quantifiers are fine");
});

test("POSIX ERE and BRE: brackets take backslashes literally, BRE swaps escaped operators", () => {
  assert.ok(compileRegex("^sip:[0-9]+@", "ere").test("sip:123@x"));
  assert.ok(compileRegex("[\\]", "ere").test("\\"));
  assert.ok(compileRegex("^sip:+\\{0,1\\}49", "bre").test("sip:+49"));
  assert.ok(compileRegex("^sip:+\\{0,1\\}49", "bre").test("sip:49"));
  assert.ok(compileRegex("a(b)", "bre").test("a(b)"), "( ) are plain characters in a BRE");
  assert.ok(compileRegex("ALICE", "ere", { icase: true }).test("alice"));
  assert.throws(() => compileRegex("^(ab", "ere"), /Unterminated group/);
  assert.throws(() => compileRegex("[abc", "ere"), /missing \]/);
  assert.throws(() => compileRegex("ab\\", "bre"), /lone backslash/);
});

test("fnmatch: a leading literal must match at the start, [!...] negates a leading set", () => {
  assert.ok(!fnmatchRegExp("00*").test("10049"));
  assert.ok(fnmatchRegExp("[!0]*").test("49"));
  assert.ok(!fnmatchRegExp("[!0]*").test("049"));
  assert.ok(fnmatchRegExp("a[b").test("a[b"));
});

test("captureCount counts capturing groups only", () => {
  assert.equal(captureCount(compileRegex("^(00)(\\d+)(?:x)$", "pcre")), 2);
  assert.equal(captureCount(compileRegex("abc", "pcre")), 0);
});
