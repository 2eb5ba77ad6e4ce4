import assert from "node:assert/strict";
import { test } from "node:test";
import { buildDialplan, type DialplanRow, matchRule, parseRepl, translate } from "./dialplan.ts";

let nextId = 1;
function row(r: Partial<DialplanRow> & Pick<DialplanRow, "matchOp" | "matchExp">): DialplanRow {
  return { id: nextId++, dpid: 1, pr: 0, matchLen: 0, substExp: "", replExp: "", attrs: "", ...r };
}

const rows: DialplanRow[] = [
  // match_op 0: equality, fixed output
  row({ pr: 1, matchOp: 0, matchExp: "112", replExp: "sos", attrs: "emergency" }),
  // match_op 1: regex with back-references
  row({ pr: 2, matchOp: 1, matchExp: "^00[1-9]", substExp: "^00(.*)$", replExp: "+\\1", attrs: "intl" }),
  row({ pr: 3, matchOp: 1, matchExp: "^0[1-9]", substExp: "^0([1-9][0-9]+)$", replExp: "+49\\1" }),
  row({ pr: 4, matchOp: 1, matchExp: "^\\+", substExp: "^\\+([0-9]{2})([0-9]+)$", replExp: "00\\1-\\2" }),
  // match_op 2: fnmatch
  row({ pr: 5, matchOp: 2, matchExp: "9*", substExp: "^9(.*)$", replExp: "\\1", attrs: "outside" }),
  row({ pr: 6, matchOp: 2, matchExp: "[78]??", replExp: "short" }),
  // match_len: only 4-digit inputs, tried before the any-length rules
  row({ pr: 100, matchOp: 1, matchExp: "^1", matchLen: 4, substExp: "^(.*)$", replExp: "ext-\\1" }),
  // whole match \0, and escapes
  row({ dpid: 2, pr: 1, matchOp: 1, matchExp: "^[a-z]+$", substExp: "[a-z]{2}", replExp: "<\\0>\\t" }),
];

const { data } = buildDialplan(rows);

test("translate: a table of inputs and outputs for every match_op, with back-references", () => {
  const cases: Array<[dpid: number, input: string, output: string | null, attrs?: string]> = [
    [1, "112", "sos", "emergency"],
    [1, "1122", "ext-1122"],
    [1, "0049301234", "+49301234", "intl"],
    [1, "0301234", "+49301234"],
    [1, "+49301234", "0049-301234"],
    [1, "9555", "555", "outside"],
    [1, "701", "short"],
    [1, "7011", null],
    [1, "1000", "ext-1000"],
    [1, "100", null],
    [1, "", null],
    [2, "kamailio", "<ka>\t"],
    [3, "112", null],
  ];
  for (const [dpid, input, output, attrs] of cases) {
    const t = translate(data, dpid, input);
    assert.equal(t?.output ?? null, output, `${dpid}/${input}`);
    if (attrs !== undefined) assert.equal(t?.attrs, attrs, `${dpid}/${input} attrs`);
  }
});

test("rules with the input's match_len are tried before any-length rules, each by priority", () => {
  // Rows arrive from the database ordered by pr (ORDER BY pr).
  const r = buildDialplan([
    row({ dpid: 6, pr: 1, matchOp: 1, matchExp: ".", replExp: "any" }),
    row({ dpid: 6, pr: 5, matchOp: 1, matchExp: ".", matchLen: 3, replExp: "len3-pr5" }),
    row({ dpid: 6, pr: 9, matchOp: 1, matchExp: ".", matchLen: 3, replExp: "len3-pr9" }),
  ]);
  assert.equal(translate(r.data, 6, "abc")?.output, "len3-pr5");
  assert.equal(translate(r.data, 6, "ab")?.output, "any");
  assert.equal(translate(r.data, 6, "abcd")?.output, "any");
});

test("a failing subst_exp fails the translation instead of trying the next rule", () => {
  const r = buildDialplan([
    row({ dpid: 7, pr: 1, matchOp: 1, matchExp: "^0", substExp: "^0([0-9]+)$", replExp: "\\1" }),
    row({ dpid: 7, pr: 2, matchOp: 1, matchExp: ".", replExp: "fallback" }),
  ]);
  assert.equal(translate(r.data, 7, "0abc"), null);
  assert.equal(translate(r.data, 7, "0123")?.output, "123");
});

test("an empty repl_exp matches with an empty output; without subst_exp repl_exp is copied as is", () => {
  const r = buildDialplan([
    row({ dpid: 8, matchOp: 0, matchExp: "a", replExp: "" }),
    row({ dpid: 8, matchOp: 0, matchExp: "b", replExp: "x\\ty" }),
  ]);
  assert.deepEqual(translate(r.data, 8, "a"), { output: "", attrs: "", ruleId: r.data.get(8)!.anyLen[0].id });
  assert.equal(translate(r.data, 8, "b")?.output, "x\\ty");
});

test("\\u and pseudo-variables come from the context and are empty without one", () => {
  const r = buildDialplan([
    row({ dpid: 9, matchOp: 1, matchExp: ".", substExp: "(.+)", replExp: "\\1@$fd|\\u" }),
  ]);
  assert.equal(translate(r.data, 9, "alice")?.output, "alice@|");
  assert.equal(
    translate(r.data, 9, "alice", { uri: "sip:alice@a.example", vars: { $fd: "b.example" } })?.output,
    "alice@b.example|sip:alice@a.example",
  );
});

test("a bad regex is reported with its row id and the other rows still load", () => {
  const good = row({ dpid: 4, pr: 1, matchOp: 1, matchExp: "^1", replExp: "one" });
  const badMatch = row({ dpid: 4, pr: 2, matchOp: 1, matchExp: "^(00[1-9", replExp: "x" });
  const badSubst = row({ dpid: 4, pr: 3, matchOp: 0, matchExp: "2", substExp: "([", replExp: "x" });
  const badRef = row({ dpid: 4, pr: 4, matchOp: 0, matchExp: "3", substExp: "(3)", replExp: "\\2" });
  const badOp = row({ dpid: 4, pr: 5, matchOp: 7, matchExp: "4" });
  const r = buildDialplan([good, badMatch, badSubst, badRef, badOp]);
  assert.equal(r.size, 1);
  assert.deepEqual(
    r.issues.map((i) => i.id),
    [badMatch.id, badSubst.id, badRef.id, badOp.id],
  );
  assert.match(r.issues[0].message, /match_exp "\^\(00\[1-9"/);
  assert.match(r.issues[2].message, /refers to 2 sub-expressions/);
  assert.equal(translate(r.data, 4, "123")?.output, "one");
});

test("parseRepl rejects unknown escapes like Kamailio's parse_repl", () => {
  assert.throws(() => parseRepl("\\q"), /unknown escape/);
  assert.deepEqual(parseRepl("+\\1").parts, [{ text: "+" }, { group: 1 }]);
});

test("an output of 127 characters or more is an overflow", () => {
  const r = buildDialplan([
    row({ dpid: 10, matchOp: 2, matchExp: "*", substExp: "(.*)", replExp: "\\1\\1" }),
  ]);
  assert.equal(translate(r.data, 10, "x".repeat(63))?.output.length, 126);
  assert.equal(translate(r.data, 10, "x".repeat(64)), null);
});

test("matchRule names the rule even when its subst_exp fails, with a null output", () => {
  const r = buildDialplan([
    row({
      dpid: 11,
      pr: 1,
      matchOp: 1,
      matchExp: "^00",
      substExp: "^00(\\d+)$",
      replExp: "+\\1",
      attrs: "intl",
    }),
  ]);
  assert.deepEqual(
    { attrs: matchRule(r.data, 11, "004930")?.rule.attrs, output: matchRule(r.data, 11, "004930")?.output },
    { attrs: "intl", output: "+4930" },
  );
  const failed = matchRule(r.data, 11, "0049x");
  assert.equal(failed?.rule.attrs, "intl");
  assert.equal(failed?.output, null);
  assert.equal(matchRule(r.data, 11, "49"), null);
  assert.equal(matchRule(r.data, 12, "0049"), null, "unknown dpid");
});

test("same-length rules win over any-length ones whatever their priority; no match is null", () => {
  // Rows as loaded (ORDER BY pr): a length-5 rule with a lower pr, the any-length rule, a length-4 rule.
  const r = buildDialplan([
    row({ dpid: 13, pr: 0, matchOp: 1, matchExp: "^0", matchLen: 5, attrs: "len5" }),
    row({ dpid: 13, pr: 1, matchOp: 1, matchExp: "^0", attrs: "any" }),
    row({ dpid: 13, pr: 9, matchOp: 1, matchExp: "^0", matchLen: 4, attrs: "len4" }),
  ]);
  assert.equal(matchRule(r.data, 13, "0123")?.rule.attrs, "len4");
  assert.equal(matchRule(r.data, 13, "01234")?.rule.attrs, "len5");
  assert.equal(matchRule(r.data, 13, "012")?.rule.attrs, "any");
  assert.equal(matchRule(r.data, 13, "9"), null);
});

test("a regex matches anywhere in the input, equal and fnmatch the whole input", () => {
  const r = buildDialplan([
    row({ dpid: 14, pr: 1, matchOp: 0, matchExp: "112", attrs: "eq" }),
    row({ dpid: 14, pr: 2, matchOp: 2, matchExp: "00*", attrs: "fn" }),
    row({ dpid: 14, pr: 3, matchOp: 1, matchExp: "9$", attrs: "re" }),
  ]);
  assert.equal(matchRule(r.data, 14, "112")?.rule.attrs, "eq");
  assert.equal(matchRule(r.data, 14, "0049")?.rule.attrs, "fn");
  assert.equal(matchRule(r.data, 14, "1239")?.rule.attrs, "re");
  assert.equal(matchRule(r.data, 14, "1120"), null);
});

test("repl_exp escapes: \\\\ is a backslash, $pv and \\u are empty without a context", () => {
  const r = buildDialplan([
    row({ dpid: 15, matchOp: 1, matchExp: ".", substExp: "(.*)", replExp: "a\\\\b$rU\\u" }),
  ]);
  assert.equal(translate(r.data, 15, "x")?.output, "a\\b");
});

test("repl_exp referring to a group without subst_exp is refused, as Kamailio's build_rule does", () => {
  const r = buildDialplan([row({ dpid: 16, matchOp: 0, matchExp: "x", replExp: "fixed\\1" })]);
  assert.equal(r.size, 0);
  assert.match(r.issues[0].message, /refers to 1 sub-expressions/);
});
