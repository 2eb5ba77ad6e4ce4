/** Rates from two readings of a monotonic counter (requests/s on the dashboard). */
export interface CounterSample {
  /** ms since the epoch */
  at: number;
  value: number;
}

/**
 * Per-second rate between two samples; null when there is no earlier sample, no time passed, or the
 * counter went backwards (the node restarted or its counters were reset).
 */
export function ratePerSecond(prev: CounterSample | null, cur: CounterSample): number | null {
  if (!prev) return null;
  const dt = (cur.at - prev.at) / 1000;
  if (dt <= 0 || cur.value < prev.value) return null;
  return (cur.value - prev.value) / dt;
}
