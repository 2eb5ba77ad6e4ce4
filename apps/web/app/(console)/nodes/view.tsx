"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import { ReloadBanner } from "@/client/components/ReloadBanner";
import { errorMessage } from "@/client/errors";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { nodeCreate, nodeUpdate } from "@/shared/schemas/nodes";

type Row = RouterOutputs["nodes"]["list"]["rows"][number];

const RELOADABLE = ["domain", "dispatcher", "dialplan", "permissions"] as const;

/** Pulls the version text out of core.version's answer (a string, or Kamailio's struct). */
function versionText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return String(o.version ?? o.full ?? JSON.stringify(v));
  }
  return String(v);
}

function uptimeText(u: unknown): string {
  const secs = u && typeof u === "object" ? Number((u as Record<string, unknown>).uptime) : Number.NaN;
  if (!Number.isFinite(secs)) return "";
  const d = Math.floor(secs / 86400);
  const h = Math.floor((secs % 86400) / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return `up ${d ? `${d}d ` : ""}${h}h ${m}m`;
}

function HealthCell({ row }: { row: Row }) {
  const trpc = useTRPC();
  const [asked, setAsked] = useState(false);
  const q = useQuery({ ...trpc.nodes.health.queryOptions({ id: row.id }), enabled: asked, staleTime: 0 });
  let status = null;
  if (q.isFetching) status = <span className="badge">checking…</span>;
  else if (q.isError) status = <span className="badge badge-bad">{errorMessage(q.error)}</span>;
  else if (q.data?.ok)
    status = (
      <span className="badge badge-ok" title={versionText(q.data.version)}>
        reachable · {versionText(q.data.version)} {uptimeText(q.data.uptime)}
      </span>
    );
  else if (q.data) status = <span className="badge badge-bad">unreachable: {q.data.error}</span>;
  return (
    <span className="health" data-testid={`health-${row.name}`}>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => (asked ? q.refetch() : setAsked(true))}
        disabled={q.isFetching}
      >
        Check<span className="visually-hidden"> {row.name}</span>
      </button>{" "}
      {status}
    </span>
  );
}

export function NodesView() {
  const trpc = useTRPC();
  const create = useMutation(trpc.nodes.create.mutationOptions());
  const update = useMutation(trpc.nodes.update.mutationOptions());
  const remove = useMutation(trpc.nodes.delete.mutationOptions());

  return (
    <>
      <CrudPage<Row>
        noun="node"
        label="Nodes"
        editRole="admin"
        columns={[
          { key: "name", label: "Name", sortable: true },
          { key: "url", label: "RPC URL" },
          { key: "protocol", label: "Protocol" },
          { key: "kind", label: "Kind", sortable: true },
          {
            key: "enabled",
            label: "Enabled",
            render: (r) => (r.enabled ? "yes" : <span className="badge badge-warn">disabled</span>),
          },
          { key: "hasToken", label: "Token", render: (r) => (r.hasToken ? "set" : "none") },
          { key: "health", label: "Health", render: (r) => <HealthCell row={r} /> },
        ]}
        query={(p) => trpc.nodes.list.queryOptions(p)}
        invalidate={trpc.nodes.pathKey()}
        initialSort={{ sort: "name", dir: "asc" }}
        searchPlaceholder="Node name prefix"
        emptyText="No nodes yet. Add sipd's RPC endpoint (default http://127.0.0.1:5071/RPC)."
        fields={(mode) => [
          { name: "name", label: "Name", required: true, placeholder: "sipd-1" },
          { name: "url", label: "RPC URL", required: true, placeholder: "http://127.0.0.1:5071/RPC" },
          {
            name: "protocol",
            label: "Protocol",
            type: "select",
            options: [
              { value: "jsonrpc", label: "JSON-RPC (jsonrpcs)" },
              { value: "xmlrpc", label: "XML-RPC (xmlrpc)" },
            ],
          },
          {
            name: "kind",
            label: "Kind",
            type: "select",
            options: [
              { value: "sipd", label: "sipd" },
              { value: "kamailio", label: "Kamailio" },
            ],
          },
          {
            name: "token",
            label: "Token",
            type: "password",
            autoComplete: "new-password",
            help:
              mode === "edit"
                ? "Leave empty to keep the current token."
                : "Sent as a Bearer token; optional.",
          },
          { name: "enabled", label: "Enabled", type: "checkbox" },
        ]}
        createSchema={nodeCreate}
        updateSchema={nodeUpdate}
        emptyValues={{
          name: "",
          url: "http://127.0.0.1:5071/RPC",
          protocol: "jsonrpc",
          kind: "sipd",
          token: "",
          enabled: true,
        }}
        toFormValues={(r) => ({
          name: r.name,
          url: r.url,
          protocol: r.protocol,
          kind: r.kind,
          token: "",
          enabled: r.enabled,
        })}
        describe={(r) => r.name}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
      />
      <h2>Reload on all nodes</h2>
      <p className="lead">
        Modules that keep table data in memory; each line says which nodes still run older data.
      </p>
      {RELOADABLE.map((m) => (
        <ReloadBanner key={m} module={m} />
      ))}
    </>
  );
}
