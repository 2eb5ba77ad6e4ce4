import assert from "node:assert/strict";
import { test } from "node:test";
import { fromSqlDateTime, toSqlDateTime } from "./datetime.ts";

test("toSqlDateTime writes local wall-clock time, optionally with milliseconds", () => {
  const d = new Date(2026, 0, 2, 3, 4, 5, 67);
  assert.equal(toSqlDateTime(d), "2026-01-02 03:04:05");
  assert.equal(toSqlDateTime(d, true), "2026-01-02 03:04:05.067");
});

test("fromSqlDateTime reads DATETIME text as local time and round-trips", () => {
  const d = fromSqlDateTime("2030-05-28 21:32:15");
  assert.deepEqual(
    [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()],
    [2030, 4, 28, 21, 32, 15],
  );
  assert.equal(fromSqlDateTime("2026-01-02 03:04:05.5").getMilliseconds(), 500);
  const now = new Date();
  now.setMilliseconds(0);
  assert.equal(fromSqlDateTime(toSqlDateTime(now)).getTime(), now.getTime());
});

test("fromSqlDateTime rejects text that is not a DATETIME", () => {
  assert.throws(() => fromSqlDateTime("yesterday"), /not a DATETIME value/);
});
