import assert from "node:assert/strict";
import { test } from "node:test";
import { csvObjects, parseCsv } from "./csv";

test("RFC 4180: quoted commas, doubled quotes and line breaks inside quotes", () => {
  const recs = parseCsv('a,"b,c","say ""hi"""\r\n"multi\nline",x,\r\n');
  assert.deepEqual(recs, [
    { line: 1, cells: ["a", "b,c", 'say "hi"'] },
    { line: 2, cells: ["multi\nline", "x", ""] },
  ]);
});

test("LF line ends, a missing final line end, blank lines and a byte order mark", () => {
  const recs = parseCsv("\ufeffusername,domain\n\nalice,example.com\nbob,example.com");
  assert.deepEqual(
    recs.map((r) => [r.line, r.cells]),
    [
      [1, ["username", "domain"]],
      [3, ["alice", "example.com"]],
      [4, ["bob", "example.com"]],
    ],
  );
});

test("objects are keyed by the lower-cased header; short rows get empty cells", () => {
  const { header, rows } = csvObjects(parseCsv("Username, Domain ,password\nalice,example.com\n"));
  assert.deepEqual(header, ["username", "domain", "password"]);
  assert.deepEqual(rows, [{ line: 2, values: { username: "alice", domain: "example.com", password: "" } }]);
});
