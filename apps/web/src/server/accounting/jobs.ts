/**
 * "Generate CDRs now" and "rate CDRs" as background jobs of the console process, with progress the
 * page polls.
 *
 * Why here and not over RPC: CDR generation is a database job (acc -> cdrs/acc_cdrs, billing_rates),
 * not SIP. The console runs @switchboard/modules/acc's generateCdrs/rateCdrs itself (that module
 * imports only @switchboard/db and @switchboard/rpc, nothing of the SIP stack), so it works with
 * Kamailio-only deployments too, reports progress per batch, and is not cut off by the 5 s RPC
 * timeout on a large backlog. sipd's own CdrEngine and this job are serialized by the engine's
 * MariaDB named lock, so they never build the same CDR twice.
 *
 * One job per kind at a time per console process; the last job of each kind stays readable.
 */
import type { Db } from "@switchboard/db";
import { type GenerateResult, generateCdrs, type RateRunResult, rateCdrs } from "@switchboard/modules/acc";
import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import type { CdrJobKind } from "../../shared/schemas/accounting";
import { tryAudit } from "../audit";
import type { AuthedContext } from "../trpc";

export interface CdrJob {
  id: number;
  kind: CdrJobKind;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  state: "running" | "done" | "failed";
  /** Work done / estimated total, in acc rows (generate) or CDRs (rate); total null when unknown. */
  done: number;
  total: number | null;
  result: GenerateResult | RateRunResult | null;
  error: string | null;
}

const store = globalThis as unknown as { __sbCdrJobs?: { seq: number; jobs: Map<CdrJobKind, CdrJob> } };
const jobs = () => {
  store.__sbCdrJobs ??= { seq: 0, jobs: new Map() };
  return store.__sbCdrJobs;
};

/** Seconds a job waits for sipd's CDR engine (or another console) to release the generator lock. */
const LOCK_WAIT_S = 10;

async function scalar(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [rows] = await db.execute(query);
  const first = (rows as unknown as Record<string, unknown>[])[0];
  return Number(first ? Object.values(first)[0] : 0) || 0;
}

/**
 * Where generation will start and end, in acc ids: it resumes after the newest examined row (the
 * backwards walk over the unexamined tail the engine does too) and runs to MAX(id).
 */
async function generateSpan(db: Db): Promise<{ start: number; end: number }> {
  const end = await scalar(db, sql`SELECT COALESCE(MAX(id), 0) FROM acc`);
  const start = await scalar(
    db,
    sql`SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM acc WHERE cdr_id <> 0 ORDER BY id DESC LIMIT 1) t`,
  );
  return { start, end };
}

export function jobOf(kind: CdrJobKind): CdrJob | null {
  const job = jobs().jobs.get(kind);
  return job ? { ...job } : null;
}

const isoNow = () => new Date().toISOString();

/**
 * Starts a job and returns at once; a second start while one of the same kind runs is a CONFLICT.
 * The end of the job is audited as `cdrs.job:<kind>` with its counts or its error.
 */
export async function startJob(
  ctx: AuthedContext,
  input: { kind: CdrJobKind; all: boolean; rateGroup: string },
): Promise<CdrJob> {
  const state = jobs();
  if (state.jobs.get(input.kind)?.state === "running")
    throw new TRPCError({ code: "CONFLICT", message: `a CDR ${input.kind} job is already running` });
  const job: CdrJob = {
    id: ++state.seq,
    kind: input.kind,
    startedBy: ctx.session.username,
    startedAt: isoNow(),
    finishedAt: null,
    state: "running",
    done: 0,
    total: null,
    result: null,
    error: null,
  };
  state.jobs.set(input.kind, job);
  const db = ctx.db;

  const run = async (): Promise<GenerateResult | RateRunResult> => {
    if (input.kind === "generate") {
      const span = await generateSpan(db);
      job.total = Math.max(0, span.end - span.start);
      return generateCdrs(db, {
        lockTimeout: LOCK_WAIT_S,
        rate: { rateGroup: input.rateGroup },
        onProgress: (p) => {
          job.done = Math.min(job.total ?? 0, Math.max(0, p.lastAccId - span.start));
        },
      });
    }
    job.total = await scalar(
      db,
      input.all ? sql`SELECT COUNT(*) FROM cdrs` : sql`SELECT COUNT(*) FROM cdrs WHERE rated = 0`,
    );
    return rateCdrs(db, {
      all: input.all,
      rateGroup: input.rateGroup,
      onProgress: (p) => {
        job.done = p.examined;
        if (job.total !== null && p.examined > job.total) job.total = p.examined;
      },
    });
  };

  // Detached on purpose: the page polls jobOf() for progress instead of holding the request open.
  void run()
    .then(
      (result) => {
        job.result = { ...result };
        job.state = "done";
        job.done = job.total ?? job.done;
      },
      (e: unknown) => {
        const cause = (e as { cause?: { message?: string } }).cause?.message;
        job.error = cause ?? (e as Error).message ?? String(e);
        job.state = "failed";
      },
    )
    .finally(async () => {
      job.finishedAt = isoNow();
      await tryAudit(db, {
        adminId: ctx.session.adminId,
        username: ctx.session.username,
        action: `cdrs.job:${input.kind}`,
        target: input.kind === "rate" ? `${input.rateGroup}${input.all ? " (all)" : ""}` : "",
        details: job.state === "done" ? { input, result: job.result } : { input, error: job.error },
        ok: job.state === "done",
      });
    });
  return { ...job };
}
