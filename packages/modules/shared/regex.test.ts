import assert from "node:assert/strict";
import { test } from "node:test";
import { compileRegex, fnmatchRegExp } from "./regex.ts";

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
