"use client";
import "@/client/components/monitoring.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { BarChart, ChartCard, DoughnutChart } from "@/client/components/charts";
import { DataTable } from "@/client/components/DataTable";
import { useConfirm } from "@/client/confirm";
import { errorMessage } from "@/client/errors";
import { useCan } from "@/client/session";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { formatDuration } from "@/shared/format";

type Row = RouterOutputs["registrations"]["list"]["rows"][number];
type Summary = RouterOutputs["registrations"]["summary"];

/** Re-renders every `ms` so countdowns move between refreshes. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Seconds left now, from the seconds left when the rows were read. */
export function expiresLeft(expires: number, fetchedAt: number, now: number): number {
  return Math.max(0, expires - Math.floor((now - fetchedAt) / 1000));
}

const REFRESH_MS = 15_000;

function SourceBanner({ s }: { s: Summary | undefined }) {
  if (!s) return null;
  if (s.source === "live")
    return (
      <p className="source-note" data-testid="registrations-source">
        <span className="badge badge-ok">live</span> from node <strong>{s.node?.name}</strong> (ul.dump), read
        at {new Date(s.fetchedAt).toLocaleTimeString()}; refreshes every {REFRESH_MS / 1000} s.
      </p>
    );
  return (
    <div
      className="banner source-note"
      role={s.error ? "alert" : "status"}
      data-testid="registrations-source"
    >
      <span className="badge badge-warn">location table</span>
      <span>
        {s.error ? (
          <>
            Node <strong>{s.node?.name}</strong> did not answer ({s.error}). Showing the <code>location</code>{" "}
            table instead: it holds what the node last wrote (usrloc db_mode), which may be out of date.
          </>
        ) : s.node === null ? (
          <>
            Showing the <code>location</code> table: what the nodes last wrote there (usrloc db_mode), which
            may be out of date.
          </>
        ) : null}
      </span>
    </div>
  );
}

export function RegistrationsView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const canUnregister = useCan("operator");
  const now = useNow(1000);
  const nodes = useQuery(trpc.registrations.nodes.queryOptions());
  // "" = first enabled node; "table" = the location table; else a node id.
  const [choice, setChoice] = useState("");
  const target =
    choice === "table" ? { table: true } : { table: false, ...(choice ? { nodeId: Number(choice) } : {}) };
  const summary = useQuery(trpc.registrations.summary.queryOptions(target, { refetchInterval: REFRESH_MS }));
  const unregister = useMutation(trpc.registrations.unregister.mutationOptions());
  const live = summary.data?.source === "live";

  const remove = async (row: Row, nodeId: number) => {
    const ok = await confirm({
      title: "Unregister contact?",
      message: (
        <p>
          Remove <code>{row.contact}</code> of <strong>{row.aor}</strong> from the node's location service?
          The phone registers again at its next refresh.
        </p>
      ),
      confirmLabel: "Unregister",
      danger: true,
    });
    if (!ok) return;
    try {
      await unregister.mutateAsync({ nodeId, table: row.table, aor: row.aor, contact: row.contact });
      toast.success(`Unregistered ${row.contact}`);
    } catch (e) {
      toast.error(`Could not unregister: ${errorMessage(e)}`);
    } finally {
      await qc.invalidateQueries({ queryKey: trpc.registrations.pathKey() });
    }
  };

  const expiresCell = (r: Row) =>
    r.expires === null ? (
      <span className="badge">{r.expiresNote ?? "—"}</span>
    ) : (
      formatDuration(expiresLeft(r.expires, r.readAt, now))
    );

  return (
    <>
      <div className="toolbar">
        <label>
          Source{" "}
          <select
            aria-label="Source"
            value={choice || (nodes.data?.[0] ? String(nodes.data[0].id) : "table")}
            onChange={(e) => setChoice(e.target.value)}
          >
            {(nodes.data ?? []).map((n) => (
              <option key={n.id} value={String(n.id)}>
                node {n.name} ({n.kind})
              </option>
            ))}
            <option value="table">location table</option>
          </select>
        </label>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => qc.invalidateQueries({ queryKey: trpc.registrations.pathKey() })}
        >
          Refresh
        </button>
      </div>
      <SourceBanner s={summary.data} />
      <DataTable<Row>
        label="Registered contacts"
        columns={[
          { key: "aor", label: "AoR", sortable: true },
          {
            key: "contact",
            label: "Contact",
            className: "cut",
            render: (r) => <span title={r.contact}>{r.contact}</span>,
          },
          {
            key: "expires",
            label: "Expires in",
            sortable: true,
            className: "num nowrap",
            render: expiresCell,
          },
          {
            key: "q",
            label: "Q",
            sortable: true,
            className: "num",
            render: (r) => (r.q === null ? "" : r.q.toFixed(2)),
          },
          { key: "userAgent", label: "User agent", sortable: true },
          { key: "received", label: "Received", render: (r) => r.received ?? "" },
          { key: "socket", label: "Socket", render: (r) => r.socket ?? "" },
        ]}
        query={(p) =>
          trpc.registrations.list.queryOptions({ ...p, ...target }, { refetchInterval: REFRESH_MS })
        }
        initialSort={{ sort: "aor", dir: "asc" }}
        searchLabel="Filter contacts"
        searchPlaceholder={live ? "AoR, contact, user agent…" : "Username prefix, or user@domain"}
        emptyText="No registered contacts."
        resetKey={choice}
        rowActions={
          canUnregister && live && summary.data?.node
            ? (r) => (
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => summary.data?.node && remove(r, summary.data.node.id)}
                >
                  Unregister<span className="visually-hidden"> {r.contact}</span>
                </button>
              )
            : undefined
        }
      />
      <h2>Usrloc statistics</h2>
      <div className="chart-grid">
        <ChartCard
          id="user-agents"
          title="User agents"
          query={summary}
          isEmpty={(d) => d.contacts === 0}
          emptyText="No contacts."
        >
          {(d) => (
            <DoughnutChart
              labels={d.userAgents.map((u) => u.label)}
              values={d.userAgents.map((u) => u.count)}
            />
          )}
        </ChartCard>
        <ChartCard
          id="contacts-per-user"
          title="Contacts per user"
          query={summary}
          isEmpty={(d) => d.contacts === 0}
          emptyText="No contacts."
          note={summary.data ? `${summary.data.users} users, ${summary.data.contacts} contacts` : undefined}
        >
          {(d) => (
            <BarChart
              labels={d.contactsPerUser.map((c) => `${c.label} contact${c.label === "1" ? "" : "s"}`)}
              series={[{ label: "users", data: d.contactsPerUser.map((c) => c.count) }]}
            />
          )}
        </ChartCard>
        <ChartCard
          id="transports"
          title="Transports"
          query={summary}
          isEmpty={(d) => d.contacts === 0}
          emptyText="No contacts."
        >
          {(d) => (
            <DoughnutChart
              labels={d.transports.map((t) => t.label)}
              values={d.transports.map((t) => t.count)}
            />
          )}
        </ChartCard>
      </div>
    </>
  );
}
