/**
 * Choosing the response a forking proxy sends upstream (RFC 3261 §16.7 step 6, Kamailio t_pick_branch):
 * a 6xx wins; otherwise the lowest class among 3xx-5xx; within a class the first one received.
 * For 401/407 the challenges of every branch are merged into the chosen one (§16.7 step 7).
 */
import type { SipResponse } from "@switchboard/sip";

function rank(status: number): number {
  if (status >= 600) return 0;
  return Math.floor(status / 100);
}

/** Index of the best final response among `statuses` (in arrival order), or -1 when empty. */
export function pickBest(statuses: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < statuses.length; i++) {
    if (best < 0 || rank(statuses[i]) < rank(statuses[best])) best = i;
  }
  return best;
}

/** Copies the challenges of the other 401/407 responses into `chosen` (§16.7 step 7). */
export function mergeChallenges(chosen: SipResponse, others: readonly SipResponse[]): void {
  if (chosen.status !== 401 && chosen.status !== 407) return;
  for (const r of others) {
    if (r === chosen || (r.status !== 401 && r.status !== 407)) continue;
    for (const name of ["www-authenticate", "proxy-authenticate"])
      for (const v of r.getAll(name))
        chosen.append(name === "www-authenticate" ? "WWW-Authenticate" : "Proxy-Authenticate", v);
  }
}
