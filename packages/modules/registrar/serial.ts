/**
 * Serial forking by q-value, as tm's t_load_contacts() / t_next_contacts() do it: the lookup targets are
 * grouped by q (highest first); each group is tried in parallel, the next group only after the previous
 * one failed (RFC 3261 §16.6 step 1: q-values order the targets; equal q fork in parallel).
 */
import type { LocationBranch } from "./lookup.ts";

export interface ContactQueue {
  /** Groups still to try, highest q first. */
  readonly groups: LocationBranch[][];
}

/**
 * t_load_contacts(): orders the targets into q groups. Targets of one q keep their order (the most recently
 * registered first); an unspecified q (-1) sorts below every explicit q, like Kamailio's integer q.
 */
export function loadContacts(branches: readonly LocationBranch[]): ContactQueue {
  const sorted = [...branches].sort((a, b) => b.q - a.q);
  const groups: LocationBranch[][] = [];
  for (const b of sorted) {
    const last = groups.at(-1);
    if (last && last[0].q === b.q) last.push(b);
    else groups.push([b]);
  }
  return { groups };
}

/**
 * t_next_contacts(): takes the next q group to relay to (the first target becomes the Request-URI, the
 * rest branches), or undefined when every group was tried (Kamailio returns -1). Within a group only the
 * first target of each +sip.instance is used, as without outbound flow failover (t_next_contact_flow).
 */
export function nextContacts(queue: ContactQueue): LocationBranch[] | undefined {
  const group = queue.groups.shift();
  if (!group) return undefined;
  const seen = new Set<string>();
  return group.filter((b) => {
    if (!b.instance) return true;
    if (seen.has(b.instance)) return false;
    seen.add(b.instance);
    return true;
  });
}
