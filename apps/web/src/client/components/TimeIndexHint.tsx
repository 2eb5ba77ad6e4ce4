"use client";
/**
 * A note on pages that filter or chart acc / missed_calls by time: when a large table has no index
 * on `time`, those queries read the whole table; one statement fixes it.
 */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** Below this many rows a full read is quick enough not to mention. */
const LARGE = 200_000;

export function TimeIndexHint() {
  const trpc = useTRPC();
  const q = useQuery(trpc.accounting.timeIndex.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const slow = (q.data ?? []).filter((t) => !t.indexed && t.approxRows >= LARGE);
  if (slow.length === 0) return null;
  return (
    <p className="banner" role="note">
      <span>
        {slow.map((t) => `${t.table} (about ${t.approxRows.toLocaleString("en")} rows)`).join(" and ")} ha
        {slow.length > 1 ? "ve" : "s"} no index on <code>time</code>, so date filters and call charts read the
        whole table. Kamailio's schema has none; to add one:{" "}
        {slow.map((t) => (
          <code key={t.table}>
            CREATE INDEX {t.table}_time_idx ON {t.table} (time);{" "}
          </code>
        ))}
      </span>
    </p>
  );
}
