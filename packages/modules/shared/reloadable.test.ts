import assert from "node:assert/strict";
import { test } from "node:test";
import { ReloadableTable, ReloadError } from "./reloadable.ts";

test("a failed reload keeps the old data and reports why", async () => {
  let source: string[] | Error = ["a", "b"];
  const t = new ReloadableTable<string[]>("demo", async () => {
    if (source instanceof Error) throw source;
    return { data: [...source], size: source.length };
  }, []);
  assert.equal(t.loaded, false);
  await t.reload();
  assert.deepEqual(t.data, ["a", "b"]);
  source = new Error("connect ECONNREFUSED 127.0.0.1:3306");
  await assert.rejects(
    t.reload(),
    (e: unknown) => e instanceof ReloadError && /ECONNREFUSED/.test(e.message),
  );
  assert.deepEqual(t.data, ["a", "b"]);
  assert.match(t.status.lastError ?? "", /ECONNREFUSED/);
  source = ["c"];
  const report = await t.reload();
  assert.deepEqual(t.data, ["c"]);
  assert.equal(report.size, 1);
  assert.equal(t.status.lastError, null);
});

test("row issues are reported while the good rows are used", async () => {
  const t = new ReloadableTable<number[]>(
    "rows",
    async () => ({ data: [1, 3], size: 2, issues: [{ id: 2, message: "bad regex" }] }),
    [],
  );
  const report = await t.reload();
  assert.deepEqual(t.data, [1, 3]);
  assert.deepEqual(report.issues, [{ id: 2, message: "bad regex" }]);
});

test("reloads asked for during a running load share one follow-up load", async () => {
  let loads = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const t = new ReloadableTable<number>(
    "n",
    async () => {
      loads++;
      if (loads === 1) await gate;
      return { data: loads, size: 1 };
    },
    0,
  );
  const first = t.reload();
  const second = t.reload();
  const third = t.reload();
  release();
  await first;
  await Promise.all([second, third]);
  assert.equal(loads, 2);
  assert.equal(t.data, 2);
});

test("the loader gets the data in use, so runtime state can be carried over", async () => {
  const t = new ReloadableTable<{ gen: number }>(
    "gen",
    async (cur) => ({ data: { gen: cur.gen + 1 }, size: 1 }),
    {
      gen: 0,
    },
  );
  await t.reload();
  await t.reload();
  assert.equal(t.data.gen, 2);
});
