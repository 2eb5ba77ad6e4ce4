/**
 * Finding the highest rate a server takes with zero failures: double the rate until a step fails,
 * then bisect between the last good and the first bad rate a few times.
 */

export interface StepOutcome {
  /** Rate per load generator (sipp process), per second. */
  rate: number;
  ok: boolean;
}

export interface StepPlan {
  /** First rate tried. */
  start: number;
  /** No step goes above this rate. */
  max: number;
  /** Bisection steps after the first failure (0: stop at the first failure). */
  refinements: number;
  /** Bisection stops when good and bad are closer than this, and rates are rounded to it. */
  resolution: number;
}

/** The highest rate that passed, or 0 when none did. */
export function bestRate(steps: readonly StepOutcome[]): number {
  return steps.reduce((best, s) => (s.ok && s.rate > best ? s.rate : best), 0);
}

/** The rate of the next step, or undefined when the search is over. */
export function nextRate(steps: readonly StepOutcome[], plan: StepPlan): number | undefined {
  if (steps.length === 0) return Math.min(plan.start, plan.max);
  const good = bestRate(steps);
  const failed = steps.filter((s) => !s.ok).map((s) => s.rate);
  if (failed.length === 0) {
    const last = steps[steps.length - 1].rate;
    return last >= plan.max ? undefined : Math.min(last * 2, plan.max);
  }
  const bad = Math.min(...failed.filter((r) => r > good), Number.POSITIVE_INFINITY);
  const bisections = steps.length - 1 - steps.findIndex((s) => !s.ok);
  if (bisections >= plan.refinements || good === 0) return undefined;
  const mid = Math.round((good + bad) / 2 / plan.resolution) * plan.resolution;
  if (bad - good <= plan.resolution || mid <= good || mid >= bad) return undefined;
  return mid;
}

/** What one step of the load generators reported. */
export interface StepVerdictInput {
  expected: number;
  successful: number;
  failed: number;
  elapsedSec: number;
  /** Seconds the rate was held (expected = rate x holdSec). */
  holdSec: number;
  /** Length of the last call after its last request was started (call duration), seconds. */
  tailSec: number;
}

/** Share of the requested rate a step must reach to pass. */
export const MIN_RATE_SHARE = 0.9;
/** sipp's start-up and the last transaction's round trip, seconds. */
const STARTUP_SEC = 0.2;

/**
 * A step passes when every call (or registration, or keepalive) succeeded and the load generators
 * kept at least 90 % of the requested rate: a server that answers correctly but slowly makes sipp
 * fall behind its schedule (or stall on its concurrent-call limit), which stretches the run.
 */
export function judgeStep(s: StepVerdictInput): { ok: boolean; reason: string } {
  if (s.failed > 0) return { ok: false, reason: `${s.failed} failed` };
  if (s.successful < s.expected) return { ok: false, reason: `${s.successful}/${s.expected} completed` };
  const budgetSec = s.holdSec / MIN_RATE_SHARE + s.tailSec + STARTUP_SEC;
  if (s.elapsedSec > budgetSec)
    return { ok: false, reason: `took ${s.elapsedSec.toFixed(1)} s, over ${budgetSec.toFixed(1)} s` };
  return { ok: true, reason: "" };
}
