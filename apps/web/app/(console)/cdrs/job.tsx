"use client";
/**
 * The CDR job panel: "Generate CDRs now" and rating runs (operator+), each with a progress bar fed
 * by polling cdrs.job while it runs; the CDR list refreshes when a job ends.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "@/client/errors";
import { useCan } from "@/client/session";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import type { CdrJobKind } from "@/shared/schemas/accounting";

type Job = NonNullable<RouterOutputs["cdrs"]["job"]>;

function summary(job: Job): string {
  const r = job.result as Record<string, number> | null;
  if (job.state === "failed") return `failed: ${job.error}`;
  if (job.state === "running")
    return job.total ? `${job.done.toLocaleString("en")} of ${job.total.toLocaleString("en")}` : "starting…";
  if (!r) return "done";
  return job.kind === "generate"
    ? `${r.cdrs} new CDRs from ${r.examined} acc rows (${r.rated} rated, ${r.unmatched} without a rate)`
    : `${r.examined} CDRs rated (${r.rated} with a rate, ${r.unmatched} without)`;
}

function useJob(kind: CdrJobKind) {
  const trpc = useTRPC();
  return useQuery(
    trpc.cdrs.job.queryOptions(
      { kind },
      { refetchInterval: (q) => (q.state.data?.state === "running" ? 500 : false), staleTime: 0 },
    ),
  );
}

function JobStatus({ label, job }: { label: string; job: Job | null | undefined }) {
  if (!job) return null;
  const pct = job.total ? Math.round((100 * job.done) / job.total) : null;
  return (
    <div className="job-status" data-testid={`job-${job.kind}`}>
      <span>
        {label}: <strong>{job.state}</strong> — {summary(job)}
      </span>
      {job.state === "running" && (
        <progress value={pct ?? undefined} max={100} aria-label={`${label} progress`}>
          {pct ?? 0}%
        </progress>
      )}
      <small className="help">
        started by {job.startedBy} at {new Date(job.startedAt).toLocaleTimeString()}
      </small>
    </div>
  );
}

export function CdrJobPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const canRun = useCan("operator");
  const generate = useJob("generate");
  const rate = useJob("rate");
  const [rateAll, setRateAll] = useState(false);
  const start = useMutation(
    trpc.cdrs.startJob.mutationOptions({
      onSuccess: (job) => qc.setQueryData(trpc.cdrs.job.queryKey({ kind: job.kind }), job),
      onError: (e) => toast.error(`Could not start: ${errorMessage(e)}`),
    }),
  );

  // When a job ends: refresh the list and say how it went.
  const seen = useRef(new Map<CdrJobKind, string>());
  useEffect(() => {
    for (const job of [generate.data, rate.data]) {
      if (!job) continue;
      const key = `${job.id}:${job.state}`;
      const before = seen.current.get(job.kind);
      seen.current.set(job.kind, key);
      if (before === undefined || before === key || job.state === "running") continue;
      void qc.invalidateQueries({ queryKey: trpc.cdrs.list.queryKey() });
      if (job.state === "done") toast.success(summary(job));
      else toast.error(`CDR ${job.kind}: ${job.error}`);
    }
  }, [generate.data, rate.data, qc, toast, trpc]);

  const running = (j: Job | null | undefined) => j?.state === "running";
  return (
    <section className="panel" aria-label="CDR generation">
      {canRun && (
        <div className="inline-form">
          <button
            type="button"
            className="btn btn-primary"
            disabled={running(generate.data) || start.isPending}
            onClick={() => start.mutate({ kind: "generate" })}
          >
            Generate CDRs now
          </button>
          <button
            type="button"
            className="btn"
            disabled={running(rate.data) || start.isPending}
            onClick={() => start.mutate({ kind: "rate", all: rateAll })}
          >
            {rateAll ? "Rate all CDRs again" : "Rate unrated CDRs"}
          </button>
          <label className="field-check">
            <input type="checkbox" checked={rateAll} onChange={(e) => setRateAll(e.target.checked)} /> all
            CDRs (after changing rates)
          </label>
        </div>
      )}
      <JobStatus label="Generation" job={generate.data} />
      <JobStatus label="Rating" job={rate.data} />
      {!generate.data && !rate.data && (
        <p className="help">No CDR job has run from this console since it started.</p>
      )}
    </section>
  );
}
