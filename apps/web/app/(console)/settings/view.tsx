"use client";
import "@/client/components/live.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormDialog } from "@/client/components/FormDialog";
import { NodePicker } from "@/client/components/NodePicker";
import { errorMessage, nodeFailures } from "@/client/errors";
import { useCan } from "@/client/session";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { cfgSetInput } from "@/shared/schemas/settings";

type Var = RouterOutputs["settings"]["list"]["vars"][number];

function VarHelp({ nodeId, v }: { nodeId: number; v: Var }) {
  const trpc = useTRPC();
  const help = useQuery(trpc.settings.help.queryOptions({ nodeId, group: v.group, name: v.name }));
  if (help.isPending) return <>Loading description…</>;
  if (help.isError) return <>No description: {errorMessage(help.error)}</>;
  return <>{help.data}</>;
}

export function SettingsView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const canSet = useCan("admin");
  const [nodeId, setNodeId] = useState<number | null>(null);
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<Var | null>(null);
  const list = useQuery({
    ...trpc.settings.list.queryOptions({ nodeId: nodeId ?? 0 }),
    enabled: nodeId !== null,
  });
  const set = useMutation(trpc.settings.set.mutationOptions());

  const f = filter.trim().toLowerCase();
  const vars = (list.data?.vars ?? []).filter((v) => !f || `${v.group}.${v.name}`.toLowerCase().includes(f));

  const submit = async (input: unknown) => {
    const res = await set.mutateAsync(input as Parameters<typeof set.mutateAsync>[0]);
    const failed = nodeFailures(res);
    for (const m of failed) toast.warning(`Not set on node ${m}`);
    toast.success(
      `Set ${editing?.group}.${editing?.name} on ${res.nodes
        .filter((n) => n.ok)
        .map((n) => n.node)
        .join(", ")}`,
    );
    setEditing(null);
    await qc.invalidateQueries({ queryKey: trpc.settings.list.queryKey() });
  };

  let body: React.ReactNode;
  if (nodeId === null) body = <Empty text="Choose a node above." />;
  else if (list.isPending) body = <Empty text="Loading…" />;
  else if (list.isError) body = <Empty text={`Could not load: ${errorMessage(list.error)}`} alert />;
  else if (!list.data.ok && list.data.vars.length === 0)
    body = <Empty text={`Node ${list.data.node} did not answer: ${list.data.error}`} alert />;
  else if (vars.length === 0)
    body = <Empty text={f ? `Nothing matches “${filter.trim()}”.` : "The node has no variables."} />;
  else
    body = vars.map((v) => (
      <tr key={`${v.group}.${v.name}`}>
        <td>{v.group}</td>
        <td>{v.name}</td>
        <td>
          <code data-testid={`cfg-${v.group}.${v.name}`}>{v.value === "" ? "(empty)" : v.value}</code>
        </td>
        <td>{v.type === "int" ? "integer" : "string"}</td>
        {canSet && (
          <td className="col-actions">
            <button type="button" className="btn btn-small" onClick={() => setEditing(v)}>
              Edit<span className="visually-hidden"> {`${v.group}.${v.name}`}</span>
            </button>
          </td>
        )}
      </tr>
    ));

  return (
    <>
      <div className="toolbar">
        <NodePicker value={nodeId} onChange={setNodeId} />
        {(list.data?.vars.length ?? 0) > 0 && (
          <>
            <label htmlFor="cfg-filter" className="visually-hidden">
              Filter variables
            </label>
            <input
              id="cfg-filter"
              type="search"
              className="search"
              placeholder="Filter, e.g. pstn"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          </>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => list.refetch()}
          disabled={nodeId === null || list.isFetching}
        >
          {list.isFetching ? "Reading…" : "Refresh"}
        </button>
      </div>
      {list.data && !list.data.ok && list.data.vars.length > 0 && (
        <div className="banner" role="alert">
          Some groups could not be read: {list.data.error}
        </div>
      )}
      <div className="table-wrap">
        <table aria-label="Settings" aria-busy={list.isFetching}>
          <thead>
            <tr>
              <th>Group</th>
              <th>Variable</th>
              <th>Value</th>
              <th>Type</th>
              {canSet && (
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      <FormDialog
        open={editing !== null}
        title={editing ? `Set ${editing.group}.${editing.name}` : "Set"}
        fields={[
          {
            name: "value",
            label: "Value",
            help: editing && nodeId !== null ? <VarHelp nodeId={nodeId} v={editing} /> : undefined,
          },
          { name: "allNodes", label: "Also on every other enabled node", type: "checkbox" },
        ]}
        schema={cfgSetInput}
        initial={{ value: editing?.value ?? "", allNodes: false }}
        hidden={
          editing ? { nodeId, group: editing.group, name: editing.name, type: editing.type } : undefined
        }
        submitLabel="Set"
        onSubmit={submit}
        onClose={() => setEditing(null)}
      />
    </>
  );
}

function Empty({ text, alert }: { text: string; alert?: boolean }) {
  return (
    <tr>
      <td
        colSpan={5}
        className={`table-state${alert ? " table-error" : ""}`}
        role={alert ? "alert" : undefined}
      >
        {text}
      </td>
    </tr>
  );
}
