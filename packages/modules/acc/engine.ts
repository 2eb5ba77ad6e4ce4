/**
 * CdrEngine: CDR generation and rating inside sipd.
 *
 * - attach(writer): after the AccWriter has written a batch holding a BYE, an incremental run starts,
 *   so the CDR of a call is in `cdrs` well within a second of the BYE's final reply.
 * - A catch-up run every `cdr_interval` seconds covers acc rows other writers insert (a Kamailio
 *   sharing the database, rows written while this process was down).
 * - Runs in one process never overlap: a request during a run is served by one follow-up run.
 *   Several processes are serialized by generateCdrs' database lock.
 */
import type { Db } from "@switchboard/db";
import { sql } from "drizzle-orm";
import { type GenerateOptions, type GenerateResult, generateCdrs } from "./cdr.ts";
import { type RateRunOptions, type RateRunResult, rateCdrs } from "./rating.ts";
import { rows } from "./sql.ts";
import type { AccLog, AccWriter } from "./writer.ts";

export interface CdrEngineParams {
  /** Seconds between catch-up runs; 0 = only on BYE and on demand (default 60). */
  cdr_interval?: number;
  /** Rate group for every CDR (default "default"). */
  rate_group?: string;
  /** Rate new CDRs as they are generated (default 1). */
  rate_on_generate?: 0 | 1;
  /** Fill acc_cdrs too (default 1); 0 when Kamailio's dialog-based CDRs (cdr_enable) write it. */
  fill_acc_cdrs?: 0 | 1;
  /** acc rows per batch (default 1000). */
  batch_size?: number;
}

export interface CdrEngineCounters {
  runs: number;
  failedRuns: number;
  cdrs: number;
  lastRun: GenerateResult | null;
  lastError: string | null;
}

export class CdrEngine {
  private readonly db: Db;
  private readonly params: Required<CdrEngineParams>;
  private readonly log: AccLog;
  private current: Promise<GenerateResult> | null = null;
  private next: Promise<GenerateResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly stats: CdrEngineCounters = {
    runs: 0,
    failedRuns: 0,
    cdrs: 0,
    lastRun: null,
    lastError: null,
  };

  constructor(opts: { db: Db; params?: CdrEngineParams; log?: AccLog }) {
    this.db = opts.db;
    this.params = {
      cdr_interval: 60,
      rate_group: "default",
      rate_on_generate: 1,
      fill_acc_cdrs: 1,
      batch_size: 1000,
      ...opts.params,
    };
    this.log = opts.log ?? ((level, msg) => console[level === "info" ? "log" : level](`acc: ${msg}`));
  }

  get counters(): Readonly<CdrEngineCounters> {
    return { ...this.stats };
  }

  /** Options of a run with this engine's params, overridden by `opts`. */
  options(opts: GenerateOptions = {}): GenerateOptions {
    const p = this.params;
    return {
      batchSize: p.batch_size,
      fillAccCdrs: p.fill_acc_cdrs === 1,
      rate: p.rate_on_generate === 1 ? { rateGroup: p.rate_group } : false,
      ...opts,
    };
  }

  /**
   * An incremental run. While one runs, callers share a single follow-up run (rows written during
   * the current run are then covered too).
   */
  generate(): Promise<GenerateResult> {
    if (!this.current) {
      this.current = this.run().finally(() => {
        this.current = null;
      });
      return this.current;
    }
    if (!this.next)
      this.next = this.current
        .catch(() => undefined)
        .then(() => {
          this.next = null;
          return this.generate();
        });
    return this.next;
  }

  /** A run with explicit options (e.g. `since` to re-examine old rows); not coalesced. */
  generateWith(opts: GenerateOptions): Promise<GenerateResult> {
    return generateCdrs(this.db, this.options(opts));
  }

  /**
   * Make sure the CDR of `callid` exists (its acc rows must be written): runs the incremental
   * generation and returns the cdr_id, or undefined when the call has no CDR (yet).
   */
  async generateForCall(callid: string): Promise<number | undefined> {
    await this.generate();
    const found = await rows<{ cdrId: number; callid: string }>(
      this.db,
      sql`SELECT cdr_id AS cdrId, sip_call_id AS callid FROM cdrs WHERE sip_call_id = ${callid} ORDER BY cdr_id`,
    );
    const hit = found.find((r) => r.callid === callid);
    return hit ? Number(hit.cdrId) : undefined;
  }

  /** Catch-up rating (new CDRs are rated on generation); `all` rates every CDR again. */
  rate(opts: RateRunOptions = {}): Promise<RateRunResult> {
    return rateCdrs(this.db, {
      rateGroup: this.params.rate_group,
      batchSize: this.params.batch_size,
      ...opts,
    });
  }

  /** Generate CDRs after each written batch that holds a BYE. Returns the unsubscribe function. */
  attach(writer: AccWriter): () => void {
    return writer.onWritten((table, written) => {
      if (table !== "acc" || !written.some((r) => r.method.toUpperCase() === "BYE")) return;
      this.generate().catch(() => undefined);
    });
  }

  /** Start the periodic catch-up (timer does not keep the process alive). */
  start(): void {
    this.clearTimer();
    if (this.params.cdr_interval > 0) {
      this.timer = setInterval(() => {
        this.generate().catch(() => undefined);
      }, this.params.cdr_interval * 1000);
      this.timer.unref();
    }
  }

  /** Stop the timer and wait for a running generation. */
  async stop(): Promise<void> {
    this.clearTimer();
    await Promise.allSettled([this.current, this.next]);
  }

  private clearTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async run(): Promise<GenerateResult> {
    try {
      const res = await generateCdrs(this.db, this.options());
      this.stats.runs++;
      this.stats.cdrs += res.cdrs;
      this.stats.lastRun = res;
      this.stats.lastError = null;
      return res;
    } catch (e) {
      this.stats.failedRuns++;
      const msg = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
      if (this.stats.lastError === null) this.log("warn", `CDR generation failed: ${msg}`);
      this.stats.lastError = msg;
      throw e;
    }
  }
}
