import assert from "node:assert/strict";
import { test } from "node:test";
import { compileRegex } from "@switchboard/match";
import { patternError } from "./patterns";

test("patternError keeps V8's reason without the pattern, and our own reasons as they are", () => {
  assert.equal(
    patternError(() => compileRegex("^(12", "pcre")),
    "Unterminated group",
  );
  assert.match(patternError(() => compileRegex("a++", "pcre"))!, /^possessive quantifiers/);
  assert.match(patternError(() => compileRegex("[abc", "ere"))!, /^missing \]/);
});

test("patternError is null for a pattern that compiles", () => {
  assert.equal(
    patternError(() => compileRegex("^\\++49", "pcre")),
    null,
  );
  assert.equal(
    patternError(() => compileRegex("a+?", "pcre")),
    null,
  );
});
