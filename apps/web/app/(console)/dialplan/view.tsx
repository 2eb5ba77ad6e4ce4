"use client";
import "@/client/components/live.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import { issuesByField } from "@/client/components/FormDialog";
import { NodePicker } from "@/client/components/NodePicker";
import { ReloadBanner, useReloadStatusRefresh } from "@/client/components/ReloadBanner";
import { errorMessage } from "@/client/errors";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { dialplanCreate, dialplanTranslate, dialplanUpdate, MATCH_OPS } from "@/shared/schemas/dialplan";

type Row = RouterOutputs["dialplan"]["list"]["rows"][number];
type Translation = RouterOutputs["dialplan"]["translate"];

const opLabel = (op: number) => MATCH_OPS.find((o) => o.value === op)?.label ?? String(op);

function TestBox({ dpids }: { dpids: number[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [nodeId, setNodeId] = useState<number | null>(null);
  const [dpid, setDpid] = useState("");
  const [input, setInput] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Translation | null>(null);
  const [failure, setFailure] = useState("");

  const run = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = dialplanTranslate.safeParse({
      nodeId: nodeId ?? 0,
      dpid: dpid === "" ? undefined : Number(dpid),
      input,
    });
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy(true);
    setFailure("");
    try {
      setResult(await qc.fetchQuery({ ...trpc.dialplan.translate.queryOptions(parsed.data), staleTime: 0 }));
    } catch (err) {
      setResult(null);
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel test-box" aria-labelledby="dp-test-title">
      <h2 id="dp-test-title">Test a translation</h2>
      <form className="inline-form" onSubmit={run} noValidate>
        <div className={`field${errors.nodeId ? " has-error" : ""}`}>
          <NodePicker value={nodeId} onChange={setNodeId} />
          {errors.nodeId && <small className="error">pick a node</small>}
        </div>
        <div className={`field${errors.dpid ? " has-error" : ""}`}>
          <label htmlFor="dp-test-dpid">dpid</label>
          <input
            id="dp-test-dpid"
            type="number"
            list="dp-test-dpids"
            value={dpid}
            onChange={(e) => setDpid(e.target.value)}
            aria-invalid={errors.dpid ? true : undefined}
          />
          <datalist id="dp-test-dpids">
            {dpids.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
          {errors.dpid && <small className="error">{errors.dpid}</small>}
        </div>
        <div className={`field${errors.input ? " has-error" : ""}`}>
          <label htmlFor="dp-test-input">Input</label>
          <input
            id="dp-test-input"
            value={input}
            placeholder="004930123456"
            onChange={(e) => setInput(e.target.value)}
            aria-invalid={errors.input ? true : undefined}
          />
          {errors.input && <small className="error">{errors.input}</small>}
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Translating…" : "Translate"}
        </button>
      </form>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {result && (
        <dl className="result" data-testid="translate-result" aria-live="polite">
          <dt>Node</dt>
          <dd>{result.node}</dd>
          {result.ok ? (
            <>
              <dt>Output</dt>
              <dd>
                <code data-testid="translate-output">{result.output}</code>
              </dd>
              <dt>Attributes</dt>
              <dd>
                <code>{result.attributes || "—"}</code>
              </dd>
            </>
          ) : (
            <>
              <dt>Answer</dt>
              <dd role="alert">
                <span className="badge badge-bad">{result.error}</span>
              </dd>
            </>
          )}
          <dt>Rule (table)</dt>
          <dd data-testid="translate-rule">
            {result.table ? (
              <>
                rule #{result.table.ruleId}: priority {result.table.pr}, {opLabel(result.table.matchOp)}{" "}
                <code>{result.table.matchExp}</code>
                {result.table.matchLen ? `, length ${result.table.matchLen}` : ""} →{" "}
                {result.table.output === null ? (
                  <span className="badge badge-warn">substitution does not match: translation fails</span>
                ) : (
                  <code>{result.table.output}</code>
                )}
                {result.ok && result.table.output !== null && result.table.output !== result.output && (
                  <span className="badge badge-warn"> differs from the node: reload dialplan</span>
                )}
              </>
            ) : (
              "no rule of the table matches"
            )}
            {result.table && result.table.skipped.length > 0 && (
              <div className="help-text">
                Skipped (do not compile): {result.table.skipped.map((s) => `#${s.id} ${s.error}`).join("; ")}
              </div>
            )}
          </dd>
        </dl>
      )}
    </section>
  );
}

export function DialplanView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const refreshReload = useReloadStatusRefresh("dialplan");
  const [dpid, setDpid] = useState<number | undefined>(undefined);
  const dpids = useQuery(trpc.dialplan.dpids.queryOptions());
  const create = useMutation(trpc.dialplan.create.mutationOptions());
  const update = useMutation(trpc.dialplan.update.mutationOptions());
  const remove = useMutation(trpc.dialplan.delete.mutationOptions());

  return (
    <>
      <ReloadBanner module="dialplan" />
      <TestBox dpids={(dpids.data ?? []).map((d) => d.dpid)} />
      <CrudPage<Row>
        noun="rule"
        label="Dialplan rules"
        editRole="admin"
        filters={
          <label>
            dpid{" "}
            <select
              aria-label="dpid filter"
              value={dpid ?? ""}
              onChange={(e) => setDpid(e.target.value === "" ? undefined : Number(e.target.value))}
            >
              <option value="">all</option>
              {(dpids.data ?? []).map((d) => (
                <option key={d.dpid} value={d.dpid}>
                  {d.dpid} ({d.rules} rules)
                </option>
              ))}
            </select>
          </label>
        }
        resetKey={String(dpid)}
        columns={[
          { key: "dpid", label: "dpid", sortable: true, className: "num" },
          { key: "pr", label: "Priority", sortable: true, className: "num" },
          { key: "matchOp", label: "Match", render: (r) => opLabel(r.matchOp) },
          {
            key: "matchExp",
            label: "Match expression",
            sortable: true,
            render: (r) => <code>{r.matchExp}</code>,
          },
          { key: "matchLen", label: "Length", className: "num" },
          { key: "substExp", label: "Substitution", render: (r) => <code>{r.substExp}</code> },
          { key: "replExp", label: "Replacement", render: (r) => <code>{r.replExp}</code> },
          { key: "attrs", label: "Attributes" },
        ]}
        query={(p) => trpc.dialplan.list.queryOptions({ ...p, dpid })}
        invalidate={trpc.dialplan.pathKey()}
        onChanged={() => {
          refreshReload();
          void qc.invalidateQueries({ queryKey: trpc.dialplan.dpids.queryKey() });
        }}
        initialSort={{ sort: "dpid", dir: "asc" }}
        searchPlaceholder="Match, replacement or attrs prefix"
        emptyText="No dialplan rules."
        fields={() => [
          { name: "dpid", label: "dpid", type: "number", required: true },
          {
            name: "pr",
            label: "Priority",
            type: "number",
            required: true,
            help: "Lower values are tried first.",
          },
          { name: "matchOp", label: "Match operator", type: "select", options: [...MATCH_OPS] },
          { name: "matchExp", label: "Match expression", required: true, placeholder: "^00[1-9]" },
          {
            name: "matchLen",
            label: "Match length",
            type: "number",
            help: "Only inputs of this length (0 = any length).",
          },
          { name: "substExp", label: "Substitution expression", placeholder: "^00(.*)$" },
          {
            name: "replExp",
            label: "Replacement",
            placeholder: "+\\1",
            help: "\\1-\\9: groups of the substitution.",
          },
          { name: "attrs", label: "Attributes" },
        ]}
        createSchema={dialplanCreate}
        updateSchema={dialplanUpdate}
        emptyValues={{
          dpid: dpid ?? 1,
          pr: 1,
          matchOp: 1,
          matchExp: "",
          matchLen: 0,
          substExp: "",
          replExp: "",
          attrs: "",
        }}
        toFormValues={(r) => ({
          dpid: r.dpid,
          pr: r.pr,
          matchOp: r.matchOp,
          matchExp: r.matchExp,
          matchLen: r.matchLen,
          substExp: r.substExp,
          replExp: r.replExp,
          attrs: r.attrs,
        })}
        describe={(r) => `rule ${r.matchExp} (dpid ${r.dpid})`}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
      />
    </>
  );
}
