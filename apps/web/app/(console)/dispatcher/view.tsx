"use client";
import "@/client/components/live.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { CrudPage } from "@/client/components/CrudPage";
import { FormDialog } from "@/client/components/FormDialog";
import { ReloadBanner, useReloadStatusRefresh } from "@/client/components/ReloadBanner";
import { errorMessage, nodeFailures } from "@/client/errors";
import { useCan } from "@/client/session";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import {
  DS_STATES,
  destinationKey,
  dispatcherCreate,
  dispatcherSetState,
  dispatcherUpdate,
  flagNames,
  splitDsAttrs,
} from "@/shared/schemas/dispatcher";

type Row = RouterOutputs["dispatcher"]["list"]["rows"][number];
type Live = RouterOutputs["dispatcher"]["live"];
type LiveDest = NonNullable<Live[number]["data"]>[number];

const STATE_BADGE: Record<string, string> = {
  active: "badge-ok",
  trying: "badge-warn",
  inactive: "badge-bad",
  disabled: "badge-bad",
};

/** Per destination key: what each node that answered has loaded. */
function liveIndex(live: Live | undefined): Map<string, { node: string; dest: LiveDest }[]> {
  const out = new Map<string, { node: string; dest: LiveDest }[]>();
  for (const n of live ?? []) {
    for (const d of n.data ?? []) {
      const k = destinationKey(d.setid, d.uri);
      out.set(k, [...(out.get(k) ?? []), { node: n.node, dest: d }]);
    }
  }
  return out;
}

function LiveCell({
  row,
  live,
  index,
}: {
  row: Row;
  live: Live | undefined;
  index: ReturnType<typeof liveIndex>;
}) {
  if (!live) return <span className="badge">…</span>;
  const answered = live.filter((n) => n.ok);
  if (answered.length === 0) return <span className="badge">no node answered</span>;
  const found = index.get(destinationKey(row.setid, row.destination)) ?? [];
  return (
    <span className="live-states" data-testid={`state-${row.id}`}>
      {answered.map((n) => {
        const hit = found.find((f) => f.node === n.node);
        if (!hit)
          return (
            <span key={n.node} className="badge badge-warn" title="not loaded on this node: reload">
              {n.node}: not loaded
            </span>
          );
        const { state, probing } = hit.dest;
        return (
          <span
            key={n.node}
            className={`badge ${STATE_BADGE[state] ?? ""}`}
            title={`FLAGS ${hit.dest.flags}`}
          >
            {answered.length > 1 ? `${n.node}: ` : ""}
            {state}
            {probing ? " · probing" : ""}
          </span>
        );
      })}
    </span>
  );
}

/** The set-state form: node 0 stands for "every enabled node". */
const setStateForm = dispatcherSetState.extend({ nodeId: z.number().int().min(0) });

export function DispatcherView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const canOperate = useCan("operator");
  const refreshReload = useReloadStatusRefresh("dispatcher");
  const [setid, setSetid] = useState<number | undefined>(undefined);
  const [stateFor, setStateFor] = useState<Row | null>(null);

  const sets = useQuery(trpc.dispatcher.sets.queryOptions());
  const live = useQuery(trpc.dispatcher.live.queryOptions());
  const nodes = useQuery(trpc.rpc.nodes.queryOptions());
  const create = useMutation(trpc.dispatcher.create.mutationOptions());
  const update = useMutation(trpc.dispatcher.update.mutationOptions());
  const remove = useMutation(trpc.dispatcher.delete.mutationOptions());
  const setState = useMutation(trpc.dispatcher.setState.mutationOptions());
  const index = liveIndex(live.data);
  const failed = (live.data ?? []).filter((n) => !n.ok);

  const refreshLive = () => qc.invalidateQueries({ queryKey: trpc.dispatcher.live.queryKey() });

  const submitState = async (input: unknown) => {
    const v = input as z.infer<typeof setStateForm>;
    const res = await setState.mutateAsync({ ...v, nodeId: v.nodeId || undefined });
    const bad = nodeFailures(res);
    for (const f of bad) toast.error(`Set state failed on ${f}`);
    if (bad.length < res.nodes.length)
      toast.success(`${v.destination}: ${v.state}${v.probing ? ", probing" : ""}`);
    if (res.nodes.length === 0) toast.info("No enabled nodes.");
    setStateFor(null);
    await refreshLive();
  };

  return (
    <>
      <ReloadBanner module="dispatcher" />
      <div className="set-chips" role="group" aria-label="Sets">
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={setid === undefined}
          onClick={() => setSetid(undefined)}
        >
          All sets
        </button>
        {(sets.data ?? []).map((s) => (
          <button
            key={s.setid}
            type="button"
            className="btn btn-small"
            aria-pressed={setid === s.setid}
            onClick={() => setSetid(s.setid)}
          >
            Set {s.setid} <span className="live-muted">({s.destinations})</span>
          </button>
        ))}
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={refreshLive} disabled={live.isFetching}>
          {live.isFetching ? "Asking nodes…" : "Refresh states"}
        </button>
      </div>
      {live.isError && (
        <div className="banner" role="alert">
          Could not read states: {errorMessage(live.error)}
        </div>
      )}
      {failed.length > 0 && (
        <div className="banner node-errors" role="alert" data-testid="node-errors">
          {failed.map((n) => (
            <span key={n.nodeId}>
              Node <strong>{n.node}</strong> did not answer dispatcher.list: {n.error}
            </span>
          ))}
        </div>
      )}
      <CrudPage<Row>
        noun="destination"
        label="Destinations"
        editRole="admin"
        columns={[
          { key: "setid", label: "Set", sortable: true, className: "num" },
          {
            key: "destination",
            label: "Destination",
            sortable: true,
            render: (r) => <code>{r.destination}</code>,
          },
          { key: "priority", label: "Priority", sortable: true, className: "num" },
          {
            key: "flags",
            label: "Flags",
            render: (r) => (r.flags ? `${r.flags} (${flagNames(r.flags).join(", ")})` : "0"),
          },
          { key: "attrs", label: "Attributes", render: (r) => <code>{r.attrs}</code> },
          { key: "description", label: "Description" },
          {
            key: "state",
            label: "State on nodes",
            render: (r) => <LiveCell row={r} live={live.data} index={index} />,
          },
        ]}
        query={(p) => trpc.dispatcher.list.queryOptions({ ...p, setid })}
        resetKey={String(setid)}
        invalidate={trpc.dispatcher.pathKey()}
        onChanged={() => {
          refreshReload();
          void qc.invalidateQueries({ queryKey: trpc.dispatcher.sets.queryKey() });
        }}
        initialSort={{ sort: "setid", dir: "asc" }}
        searchPlaceholder="Destination or description prefix"
        emptyText="No destinations. Add one, then reload dispatcher on the nodes."
        fields={() => [
          { name: "setid", label: "Set id", type: "number", required: true },
          {
            name: "destination",
            label: "Destination URI",
            required: true,
            placeholder: "sip:10.0.0.1:5060;transport=udp",
          },
          {
            name: "priority",
            label: "Priority",
            type: "number",
            help: "Higher is tried first by algorithm 8.",
          },
          {
            name: "flags",
            label: "Flags",
            type: "number",
            help: "Sum of: 1 inactive, 2 trying, 4 disabled, 8 probing, 16 no DNS resolving, 32 no keepalive.",
          },
          { name: "duid", label: "duid", help: "Destination unique id (duid=)." },
          { name: "weight", label: "Weight", type: "number", help: "1-100, for algorithm 9 (weight=)." },
          {
            name: "rweight",
            label: "Relative weight",
            type: "number",
            help: "1-100, for algorithm 11 (rweight=).",
          },
          {
            name: "maxload",
            label: "Max load",
            type: "number",
            help: "Active calls limit for algorithm 10 (maxload=).",
          },
          {
            name: "otherAttrs",
            label: "Other attributes",
            placeholder: "socket=udp:10.0.0.2:5060;ping_from=sip:proxy@example.com",
            help: "More name=value pairs, separated by ;",
          },
          { name: "description", label: "Description" },
        ]}
        createSchema={dispatcherCreate}
        updateSchema={dispatcherUpdate}
        emptyValues={{
          setid: setid ?? 1,
          destination: "",
          priority: 0,
          flags: 0,
          duid: "",
          weight: "",
          rweight: "",
          maxload: "",
          otherAttrs: "",
          description: "",
        }}
        toFormValues={(r) => {
          const a = splitDsAttrs(r.attrs);
          return {
            setid: r.setid,
            destination: r.destination,
            priority: r.priority,
            flags: r.flags,
            duid: a.duid,
            weight: a.weight ?? "",
            rweight: a.rweight ?? "",
            maxload: a.maxload ?? "",
            otherAttrs: a.otherAttrs,
            description: r.description,
          };
        }}
        describe={(r) => `${r.destination} (set ${r.setid})`}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
        extraActions={(r) =>
          canOperate && (
            <button type="button" className="btn btn-small" onClick={() => setStateFor(r)}>
              Set state<span className="visually-hidden"> of {r.destination}</span>
            </button>
          )
        }
      />
      <FormDialog
        open={stateFor !== null}
        title={stateFor ? `State of ${stateFor.destination}` : "State"}
        fields={[
          {
            name: "nodeId",
            label: "On",
            type: "select",
            options: [
              { value: 0, label: "every enabled node" },
              ...(nodes.data ?? []).map((n) => ({ value: n.id, label: `node ${n.name}` })),
            ],
          },
          {
            name: "state",
            label: "State",
            type: "select",
            options: DS_STATES.map((s) => ({ value: s, label: s })),
          },
          {
            name: "probing",
            label: "Probing",
            type: "checkbox",
            help: "Keep sending OPTIONS keepalives to it.",
          },
        ]}
        schema={setStateForm}
        initial={{ nodeId: 0, state: "inactive", probing: false }}
        hidden={stateFor ? { setid: stateFor.setid, destination: liveUri(stateFor, index) } : undefined}
        submitLabel="Set state"
        onSubmit={submitState}
        onClose={() => setStateFor(null)}
      />
    </>
  );
}

/** dispatcher.set_state matches the address as the node lists it; fall back to the table's text. */
function liveUri(row: Row, index: ReturnType<typeof liveIndex>): string {
  return index.get(destinationKey(row.setid, row.destination))?.[0]?.dest.uri ?? row.destination;
}
