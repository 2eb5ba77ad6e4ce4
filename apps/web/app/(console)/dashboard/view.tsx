"use client";
import "@/client/components/monitoring.css";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRef } from "react";
import { CallsCard, RegisteredCard, SipLoadCard } from "@/client/components/stat-charts";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { formatBytes, formatUptime } from "@/shared/format";
import { type CounterSample, ratePerSecond } from "@/shared/rates";

type NodeStatus = RouterOutputs["dashboard"]["node"];

/** How often a node card asks its node again. */
const POLL_MS = 5_000;

const show = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toLocaleString("en"));

/** Requests/s from this poll and the previous one (kept per card, across renders). */
function useRequestRate(s: NodeStatus | undefined): number | null {
  const prev = useRef<CounterSample | null>(null);
  const last = useRef<{ at: number; rate: number | null }>({ at: 0, rate: null });
  if (s?.ok && s.rcvRequests !== null && s.sampledAt !== last.current.at) {
    const cur = { at: s.sampledAt, value: s.rcvRequests };
    last.current = { at: s.sampledAt, rate: ratePerSecond(prev.current, cur) };
    prev.current = cur;
  }
  return last.current.rate;
}

function NodeCard({ node }: { node: RouterOutputs["dashboard"]["nodes"][number] }) {
  const trpc = useTRPC();
  const q = useQuery(
    trpc.dashboard.node.queryOptions(
      { id: node.id },
      { refetchInterval: POLL_MS, staleTime: 0, retry: false, trpc: { context: { skipBatch: true } } },
    ),
  );
  const s = q.data;
  const rate = useRequestRate(s);
  // A request that failed as a whole (console or database trouble) reads like an unreachable node.
  const error = q.isError ? q.error.message : s && !s.ok ? s.error : null;
  const state = error ? "node-down" : !s ? "node-pending" : "";
  return (
    <section
      className={`node-card ${state}`}
      aria-label={`Node ${node.name}`}
      data-testid={`node-${node.name}`}
    >
      <h2>
        {node.name}
        <span className="badge">{node.kind}</span>
        <span className={`badge ${error ? "badge-bad" : s ? "badge-ok" : ""}`}>
          {error ? "unreachable" : s ? "up" : "checking…"}
        </span>
      </h2>
      {error ? (
        <p className="node-error" role="alert">
          {error}
        </p>
      ) : (
        <dl>
          <dt>Version</dt>
          <dd>{s?.version ?? "—"}</dd>
          <dt>Uptime</dt>
          <dd>{s?.uptime === null || s?.uptime === undefined ? "—" : formatUptime(s.uptime)}</dd>
          <dt>Registered</dt>
          <dd>
            {show(s?.users)} users, {show(s?.contacts)} contacts
          </dd>
          <dt>Transactions</dt>
          <dd>{show(s?.activeTransactions)} active</dd>
          <dt>Requests/s</dt>
          <dd data-testid="requests-per-second">
            {rate === null ? "—" : rate.toFixed(1)}{" "}
            <small className="help">({show(s?.rcvRequests)} received in all)</small>
          </dd>
          <dt>Memory</dt>
          <dd>
            {s?.shm ? (
              <>
                {formatBytes(s.shm.used)} of {formatBytes(s.shm.total)} shared
                <span className="meter" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, (100 * s.shm.used) / (s.shm.total || 1))}%` }} />
                </span>
              </>
            ) : (
              "—"
            )}
          </dd>
        </dl>
      )}
      {s && s.warnings.length > 0 && (
        <ul className="help">
          {s.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <small className="help">{node.url}</small>
    </section>
  );
}

export function DashboardView() {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.dashboard.nodes.queryOptions(undefined, { refetchInterval: 60_000 }));
  const hour = { range: "1h" as const };
  const opts = { refetchInterval: 60_000 };
  const calls = useQuery(trpc.stats.calls.queryOptions(hour, opts));
  const load = useQuery(trpc.stats.sipLoad.queryOptions(hour, opts));
  const registered = useQuery(trpc.stats.registered.queryOptions(hour, opts));

  return (
    <>
      <h2 className="visually-hidden">Nodes</h2>
      {nodes.isPending && <p>Loading nodes…</p>}
      {nodes.isError && (
        <p className="table-error" role="alert">
          Could not list the nodes: {nodes.error.message}
        </p>
      )}
      {nodes.data?.length === 0 && (
        <p className="panel">
          No enabled nodes. <Link href="/nodes">Add a sipd or Kamailio node</Link> to see its state here.
        </p>
      )}
      <div className="node-grid">
        {nodes.data?.map((n) => (
          <NodeCard key={n.id} node={n} />
        ))}
      </div>
      <h2>Last hour</h2>
      <div className="chart-grid chart-grid-small">
        <CallsCard id="dash-calls" title="Calls" query={calls} />
        <SipLoadCard
          id="dash-load"
          title="SIP requests"
          query={load}
          emptyText="No statistics samples in the last hour."
        />
        <RegisteredCard
          id="dash-registered"
          title="Registered"
          query={registered}
          emptyText="No statistics samples in the last hour."
        />
      </div>
      <p>
        <Link href="/charts">More charts</Link> · <Link href="/registrations">Registrations</Link>
      </p>
    </>
  );
}
