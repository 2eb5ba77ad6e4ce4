import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bestRate, judgeStep, nextRate, type StepOutcome, type StepPlan } from "./steps.ts";

const plan: StepPlan = { start: 100, max: 1600, refinements: 2, resolution: 25 };

/** Plays the search against a server that takes everything up to `capacity`. */
function search(capacity: number, p = plan): StepOutcome[] {
  const steps: StepOutcome[] = [];
  for (let r = nextRate(steps, p); r !== undefined; r = nextRate(steps, p))
    steps.push({ rate: r, ok: r <= capacity });
  return steps;
}

describe("rate stepping", () => {
  it("doubles until the first failure, then bisects between the last good and the first bad rate", () => {
    const steps = search(500);
    assert.deepEqual(
      steps.map((s) => s.rate),
      [100, 200, 400, 800, 600, 500],
    );
    assert.equal(bestRate(steps), 500);
  });

  it("stops at the cap when nothing fails", () => {
    const steps = search(10_000);
    assert.deepEqual(
      steps.map((s) => s.rate),
      [100, 200, 400, 800, 1600],
    );
    assert.equal(bestRate(steps), 1600);
  });

  it("reports 0 when the first step already fails, without trying lower", () => {
    const steps = search(50);
    assert.deepEqual(steps, [{ rate: 100, ok: false }]);
    assert.equal(bestRate(steps), 0);
  });

  it("stops at the first failure without refinements", () => {
    const steps = search(500, { ...plan, refinements: 0 });
    assert.deepEqual(
      steps.map((s) => s.rate),
      [100, 200, 400, 800],
    );
  });

  it("does not bisect below the resolution", () => {
    const steps: StepOutcome[] = [
      { rate: 100, ok: true },
      { rate: 120, ok: false },
    ];
    assert.equal(nextRate(steps, plan), undefined);
  });
});

describe("step verdict", () => {
  const base = { expected: 1000, successful: 1000, failed: 0, elapsedSec: 21, holdSec: 20, tailSec: 1 };

  it("passes when everything completed in time", () => {
    assert.deepEqual(judgeStep(base), { ok: true, reason: "" });
  });

  it("fails on any failed call, on missing calls, and on a run slower than planned", () => {
    assert.match(judgeStep({ ...base, failed: 1, successful: 999 }).reason, /1 failed/);
    assert.match(judgeStep({ ...base, successful: 990 }).reason, /990\/1000/);
    assert.match(judgeStep({ ...base, elapsedSec: 30 }).reason, /took 30\.0 s/);
  });

  it("allows the rate to sag by up to 10 % plus the last call's length", () => {
    assert.equal(judgeStep({ ...base, elapsedSec: 23.3 }).ok, true);
    assert.equal(judgeStep({ ...base, elapsedSec: 23.5 }).ok, false);
  });
});
