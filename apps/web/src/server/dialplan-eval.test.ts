import assert from "node:assert/strict";
import { test } from "node:test";
import { applyReplacement, type DialplanRule, evaluateDialplan } from "./dialplan-eval";

let nextId = 1;
const rule = (r: Partial<DialplanRule>): DialplanRule => ({
  id: nextId++,
  dpid: 1,
  pr: 1,
  matchOp: 1,
  matchExp: ".*",
  matchLen: 0,
  substExp: "",
  replExp: "",
  attrs: "",
  ...r,
});

test("same-length rules are tried before any-length ones, each by priority", () => {
  const any = rule({ pr: 1, matchExp: "^0", attrs: "any" });
  const len4 = rule({ pr: 9, matchExp: "^0", matchLen: 4, attrs: "len4" });
  const len5 = rule({ pr: 0, matchExp: "^0", matchLen: 5, attrs: "len5" });
  const rules = [len5, any, len4];
  assert.equal(evaluateDialplan(rules, "0123")?.rule.attrs, "len4");
  assert.equal(evaluateDialplan(rules, "01234")?.rule.attrs, "len5");
  assert.equal(evaluateDialplan(rules, "012")?.rule.attrs, "any");
  assert.equal(evaluateDialplan(rules, "9"), null);
});

test("equal, regex and fnmatch operators", () => {
  const rules = [
    rule({ pr: 1, matchOp: 0, matchExp: "112", attrs: "eq" }),
    rule({ pr: 2, matchOp: 2, matchExp: "00*", attrs: "fn" }),
    rule({ pr: 3, matchOp: 1, matchExp: "9$", attrs: "re" }),
  ];
  assert.equal(evaluateDialplan(rules, "112")?.rule.attrs, "eq");
  assert.equal(evaluateDialplan(rules, "0049")?.rule.attrs, "fn");
  assert.equal(evaluateDialplan(rules, "1239")?.rule.attrs, "re", "a regex matches anywhere in the input");
  assert.equal(evaluateDialplan(rules, "1120"), null);
});

test("the replacement uses subst_exp groups; a failing subst_exp fails the translation", () => {
  const r = rule({ matchExp: "^00", substExp: "^00(\\d+)$", replExp: "+\\1" });
  assert.equal(applyReplacement(r, "004930"), "+4930");
  assert.equal(evaluateDialplan([r], "0049x")?.output, null);
  assert.equal(
    applyReplacement(rule({ replExp: "fixed\\1" }), "x"),
    "fixed\\1",
    "no subst_exp: copied as is",
  );
  assert.equal(applyReplacement(rule({ substExp: "(.*)", replExp: "a\\\\b$rU\\u" }), "x"), "a\\b");
  assert.equal(applyReplacement(rule({ replExp: "" }), "x"), "");
});

test("rows that do not compile are skipped and reported", () => {
  const bad = rule({ pr: 1, matchExp: "^(0" });
  const good = rule({ pr: 2, matchExp: "^0", attrs: "ok" });
  const res = evaluateDialplan([bad, good], "01");
  assert.equal(res?.rule.attrs, "ok");
  assert.equal(res?.skipped[0].id, bad.id);
});
