import assert from "node:assert/strict";
import { test } from "node:test";
import { captureCount, fnmatchRegExp, patternError, pcreRegExp, posixRegExp } from "./patterns";

test("PCRE patterns dialplans use compile to the same matches", () => {
  assert.ok(pcreRegExp("^00([1-9][0-9]+)$").test("004930123"));
  assert.ok(pcreRegExp("^\\+49").test("+4930"));
  assert.ok(pcreRegExp("^[[:digit:]]{3}$").test("123"));
  assert.ok(!pcreRegExp("^[[:digit:]]{3}$").test("12a"));
  assert.ok(pcreRegExp("(?i)^sip:ALICE").test("sip:alice@x"));
  assert.ok(pcreRegExp("\\A12\\z").test("12"));
  assert.ok(!pcreRegExp("\\A12\\z").test("123"));
});

test("PCRE syntax JavaScript cannot run is refused with the reason", () => {
  assert.match(patternError(() => pcreRegExp("^(12"))!, /Unterminated group/);
  assert.match(patternError(() => pcreRegExp("a++"))!, /possessive/);
  assert.match(patternError(() => pcreRegExp("(?>ab)"))!, /atomic/);
  assert.match(patternError(() => pcreRegExp("(?P<n>1)"))!, /\(\?<name>/);
  assert.match(patternError(() => pcreRegExp("[[:digits:]]"))!, /unknown character class/);
  assert.match(patternError(() => pcreRegExp("1\\"))!, /lone backslash/);
  assert.equal(
    patternError(() => pcreRegExp("^\\++49")),
    null,
    "an escaped + may be quantified",
  );
  assert.equal(
    patternError(() => pcreRegExp("a+?")),
    null,
    "lazy quantifiers are fine",
  );
});

test("POSIX ERE and BRE: brackets take backslashes literally, BRE swaps escaped operators", () => {
  assert.ok(posixRegExp("^sip:[0-9]+@", false).test("sip:123@x"));
  assert.ok(posixRegExp("[\\]", false).test("\\"));
  assert.ok(posixRegExp("^sip:+\\{0,1\\}49", true).test("sip:+49"));
  assert.ok(posixRegExp("^sip:+\\{0,1\\}49", true).test("sip:49"));
  assert.ok(posixRegExp("a(b)", true).test("a(b)"), "( ) are plain characters in a BRE");
  assert.ok(posixRegExp("ALICE", false, true).test("alice"));
  assert.match(patternError(() => posixRegExp("^(ab", false))!, /Unterminated group/);
  assert.match(patternError(() => posixRegExp("[abc", false))!, /missing \]/);
});

test("fnmatch: * ? sets, [!...] negation, unterminated [ literal", () => {
  assert.ok(fnmatchRegExp("00*").test("0049"));
  assert.ok(!fnmatchRegExp("00*").test("10049"));
  assert.ok(fnmatchRegExp("1?3").test("123"));
  assert.ok(fnmatchRegExp("[!0]*").test("49"));
  assert.ok(!fnmatchRegExp("[!0]*").test("049"));
  assert.ok(fnmatchRegExp("a[b").test("a[b"));
  assert.ok(fnmatchRegExp("a\\*").test("a*"));
});

test("captureCount counts groups", () => {
  assert.equal(captureCount(pcreRegExp("^(00)(\\d+)(?:x)$")), 2);
  assert.equal(captureCount(pcreRegExp("abc")), 0);
});
