"use client";
import "@/client/components/live.css";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useState } from "react";
import { JsonTree } from "@/client/components/JsonTree";
import { NodePicker } from "@/client/components/NodePicker";
import { errorMessage } from "@/client/errors";
import { useHydrated } from "@/client/hydrated";
import { useSession } from "@/client/session";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { hasRole } from "@/shared/roles";
import { parseRpcParams } from "@/shared/rpc-console";

type Answer = RouterOutputs["rpc"]["send"];

interface HistoryEntry {
  at: string;
  nodeId: number;
  node: string;
  method: string;
  params: string;
  ok: boolean;
}

const HISTORY_MAX = 30;

/** This browser session's commands (sessionStorage: gone when the tab closes), newest first. */
function useHistory(username: string) {
  const key = `sb-rpc-history:${username}`;
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  useEffect(() => {
    try {
      setEntries(JSON.parse(sessionStorage.getItem(key) ?? "[]"));
    } catch {
      setEntries([]);
    }
  }, [key]);
  const save = useCallback(
    (next: HistoryEntry[]) => {
      setEntries(next);
      try {
        sessionStorage.setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the history still works for this page view.
      }
    },
    [key],
  );
  return {
    entries,
    add: (e: HistoryEntry) => save([e, ...entries].slice(0, HISTORY_MAX)),
    clear: () => save([]),
  };
}

export function RpcConsoleView() {
  const trpc = useTRPC();
  const session = useSession();
  const hydrated = useHydrated();
  const ids = useId();
  const [nodeId, setNodeId] = useState<number | null>(null);
  const [method, setMethod] = useState("");
  const [paramsText, setParamsText] = useState("");
  const [paramsError, setParamsError] = useState("");
  const [answer, setAnswer] = useState<(Answer & { method: string }) | null>(null);
  const [sendError, setSendError] = useState("");
  const history = useHistory(session?.username ?? "");

  const methods = useQuery({
    ...trpc.rpc.methods.queryOptions({ nodeId: nodeId ?? 0 }),
    enabled: nodeId !== null,
  });
  const help = useQuery({
    ...trpc.rpc.help.queryOptions({ nodeId: nodeId ?? 0, method }),
    enabled: nodeId !== null && method !== "",
  });
  const send = useMutation(trpc.rpc.send.mutationOptions());
  const role = session?.role ?? "viewer";
  const chosen = methods.data?.methods.find((m) => m.name === method);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (nodeId === null || !method) return;
    let params: unknown[];
    try {
      params = parseRpcParams(paramsText);
    } catch (err) {
      setParamsError((err as Error).message);
      return;
    }
    setParamsError("");
    setSendError("");
    try {
      const res = await send.mutateAsync({ nodeId, method, params });
      setAnswer({ ...res, method });
      history.add({
        at: new Date().toISOString(),
        nodeId,
        node: res.node,
        method,
        params: paramsText,
        ok: res.ok,
      });
    } catch (err) {
      setAnswer(null);
      setSendError(errorMessage(err));
    }
  };

  const restore = (h: HistoryEntry) => {
    setNodeId(h.nodeId);
    setMethod(h.method);
    setParamsText(h.params);
  };

  return (
    <div className="rpc-layout">
      <div>
        <form className="panel" onSubmit={submit} noValidate aria-label="RPC command">
          <div className="inline-form">
            <div className="field">
              <NodePicker value={nodeId} onChange={setNodeId} id={`${ids}-node`} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-method`}>Method</label>
              <select
                id={`${ids}-method`}
                value={method}
                onChange={(e) => setMethod(e.target.value)}
                disabled={!methods.data?.ok}
              >
                <option value="">{methods.isFetching ? "loading…" : "choose a method"}</option>
                {(methods.data?.methods ?? []).map((m) => (
                  <option key={m.name} value={m.name} disabled={!hasRole(role, m.role)}>
                    {m.name}
                    {hasRole(role, m.role) ? "" : ` (${m.role} only)`}
                  </option>
                ))}
              </select>
            </div>
            <div className={`field${paramsError ? " has-error" : ""}`} style={{ flex: "1 1 16rem" }}>
              <label htmlFor={`${ids}-params`}>Parameters</label>
              <input
                id={`${ids}-params`}
                value={paramsText}
                placeholder='e.g. 1 sip:10.0.0.1  or  [1, "sip:10.0.0.1"]'
                onChange={(e) => setParamsText(e.target.value)}
                aria-invalid={paramsError ? true : undefined}
                aria-describedby={`${ids}-params-help`}
              />
              {paramsError && <small className="error">{paramsError}</small>}
            </div>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!hydrated || send.isPending || !method || (chosen && !hasRole(role, chosen.role))}
            >
              {send.isPending ? "Sending…" : "Send"}
            </button>
          </div>
          <small id={`${ids}-params-help`} className="help-text">
            Words separated by spaces; whole numbers are sent as integers, <code>s:42</code> as the text "42",
            quotes keep spaces. Or a JSON array.
          </small>
          {methods.data && !methods.data.ok && (
            <p className="form-error" role="alert" data-testid="rpc-node-error">
              Node {methods.data.node} did not answer system.listMethods: {methods.data.error}
            </p>
          )}
          {methods.isError && (
            <p className="form-error" role="alert">
              {errorMessage(methods.error)}
            </p>
          )}
          {method && (
            <p className="help-text" data-testid="rpc-help">
              <strong>{method}</strong>:{" "}
              {help.isPending ? "…" : help.isError ? errorMessage(help.error) : help.data}
            </p>
          )}
        </form>
        {sendError && (
          <p className="form-error" role="alert">
            {sendError}
          </p>
        )}
        {answer && (
          <section aria-label="Answer" data-testid="rpc-answer">
            <h2>
              {answer.method} on {answer.node}{" "}
              {answer.ok ? (
                <span className="badge badge-ok">ok · {answer.ms} ms</span>
              ) : (
                <span className="badge badge-bad">failed · {answer.ms} ms</span>
              )}
            </h2>
            {answer.ok ? (
              <JsonTree value={answer.result} label={`Result of ${answer.method}`} />
            ) : (
              <p className="form-error" role="alert">
                {answer.error}
              </p>
            )}
          </section>
        )}
      </div>
      <aside className="panel" aria-labelledby={`${ids}-history`}>
        <h2 id={`${ids}-history`}>History</h2>
        {history.entries.length === 0 ? (
          <p className="help-text">Commands sent from this tab appear here.</p>
        ) : (
          <>
            <ul className="rpc-history" data-testid="rpc-history">
              {history.entries.map((h) => (
                <li key={h.at}>
                  <span className={`badge ${h.ok ? "badge-ok" : "badge-bad"}`}>{h.ok ? "ok" : "err"}</span>
                  <button
                    type="button"
                    className="btn btn-small"
                    title={`${new Date(h.at).toLocaleTimeString()} on ${h.node}`}
                    onClick={() => restore(h)}
                  >
                    {h.method} {h.params}
                  </button>
                  <span className="live-muted">{h.node}</span>
                </li>
              ))}
            </ul>
            <button type="button" className="btn btn-small" onClick={history.clear}>
              Clear history
            </button>
          </>
        )}
      </aside>
    </div>
  );
}
