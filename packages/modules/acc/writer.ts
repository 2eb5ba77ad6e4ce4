/**
 * AccWriter: batched, non-blocking writes of acc / missed_calls rows.
 *
 * Routing calls record() (synchronous: it only appends to an in-memory queue). A background flusher
 * writes the queue with multi-row INSERTs, at most `flush_interval` ms after the first queued row, or
 * at once when a batch is full. When the database fails, the batch stays at the head of the queue and
 * is retried with exponential backoff; rows keep queueing meanwhile (up to `max_pending`, a large
 * memory cap; past it new rows are dropped and counted). So a slow or stopped MariaDB never stalls
 * routing and loses nothing short of the cap or a process crash.
 *
 * Delivery is at-least-once: if the server commits an INSERT but the connection breaks before the
 * answer, the retry writes the batch again. The CDR builder pairs by Call-ID and tags and tolerates
 * such duplicates (a duplicate BYE joins the same CDR).
 *
 * A row the server refuses as data (strict-mode errors) would block the queue forever, so a batch that
 * fails with a data error is retried row by row and the refused rows are logged and counted
 * (`rejected`). buildAccRow() cuts values to the column widths, so this does not happen for rows
 * built through it.
 */
import { acc, type Db, missedCalls } from "@switchboard/db";
import { type AccRow, type AccTable, type AccValues, accTargets, buildAccRow } from "./entry.ts";

export type AccLog = (level: "info" | "warn" | "error", msg: string) => void;

export interface AccWriterParams {
  /** Rows per INSERT (default 500). */
  batch_size?: number;
  /** Longest time a row waits before its batch is written, ms (default 100). */
  flush_interval?: number;
  /** Queue cap in rows across both tables (default 1,000,000); beyond it rows are dropped and counted. */
  max_pending?: number;
  /** First retry delay after a database error, ms (default 250); doubles up to retry_max. */
  retry_min?: number;
  /** Longest retry delay, ms (default 5000). */
  retry_max?: number;
}

export interface AccWriterCounters {
  /** Rows queued and not yet written. */
  pending: number;
  /** Rows written since start. */
  written: number;
  /** Failed INSERT attempts that will be retried. */
  retries: number;
  /** Rows dropped because the queue was at max_pending. */
  dropped: number;
  /** Rows the server refused as invalid data (logged). */
  rejected: number;
}

export type WrittenListener = (table: AccTable, rows: readonly AccRow[]) => void;

/** Error codes meaning "this row is wrong", as opposed to "the database is unavailable right now". */
const DATA_ERRORS = new Set([
  "ER_DATA_TOO_LONG",
  "ER_TRUNCATED_WRONG_VALUE",
  "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD",
  "ER_WRONG_VALUE",
  "ER_BAD_NULL_ERROR",
  "ER_WARN_DATA_OUT_OF_RANGE",
  "ER_WARN_NULL_TO_NOTNULL",
  "ER_INVALID_CHARACTER_STRING",
  "ER_CANNOT_CONVERT_STRING",
]);

/** mysql2 puts the code on the error; drizzle wraps it in `cause`. */
export function dbErrorCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = err?.code ?? err?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

const isDataError = (e: unknown) => DATA_ERRORS.has(dbErrorCode(e) ?? "");

const errText = (e: unknown) => {
  const err = e as { message?: string; cause?: { message?: string } };
  return err?.cause?.message ?? err?.message ?? String(e);
};

interface Chunk {
  table: AccTable;
  rows: AccRow[];
}

const TABLES = { acc, missed_calls: missedCalls } as const;

const defaultLog: AccLog = (level, msg) => console[level === "info" ? "log" : level](`acc: ${msg}`);

export class AccWriter {
  private readonly db: Db;
  private readonly batchSize: number;
  private readonly flushInterval: number;
  private readonly maxPending: number;
  private readonly retryMin: number;
  private readonly retryMax: number;
  private readonly log: AccLog;
  /** FIFO of batches; only the last one of a table grows, so a batch never mixes tables. */
  private readonly chunks: Chunk[] = [];
  private readonly listeners = new Set<WrittenListener>();
  private readonly stats: AccWriterCounters = { pending: 0, written: 0, retries: 0, dropped: 0, rejected: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private backoff = 0;
  private outageSince = 0;
  private closed = false;

  constructor(opts: { db: Db; params?: AccWriterParams; log?: AccLog }) {
    const p = opts.params ?? {};
    this.db = opts.db;
    this.batchSize = Math.max(1, p.batch_size ?? 500);
    this.flushInterval = Math.max(0, p.flush_interval ?? 100);
    this.maxPending = Math.max(1, p.max_pending ?? 1_000_000);
    this.retryMin = Math.max(1, p.retry_min ?? 250);
    this.retryMax = Math.max(this.retryMin, p.retry_max ?? 5000);
    this.log = opts.log ?? defaultLog;
  }

  /** Queue one row; never blocks, never throws for a down database. */
  record(row: AccRow, table: AccTable = "acc"): void {
    if (this.stats.pending >= this.maxPending) {
      if (this.stats.dropped++ === 0)
        this.log("error", `queue full (${this.maxPending} rows): dropping rows`);
      return;
    }
    let last: Chunk | undefined;
    for (let i = this.chunks.length - 1; i >= 0; i--)
      if (this.chunks[i].table === table) {
        last = this.chunks[i];
        break;
      }
    // The head chunk may be in flight: never append to it, so a retried batch stays what it was.
    if (!last || last.rows.length >= this.batchSize || (last === this.chunks[0] && this.running)) {
      last = { table, rows: [] };
      this.chunks.push(last);
    }
    last.rows.push(row);
    this.stats.pending++;
    this.schedule(last.rows.length >= this.batchSize ? 0 : this.flushInterval);
  }

  /**
   * Account an ended transaction: writes to acc and/or missed_calls as the flags say (accTargets).
   * Returns the tables written to.
   */
  account(flags: number, values: AccValues): AccTable[] {
    const targets = accTargets(values.method, Number(values.code), flags);
    if (targets.length === 0) return targets;
    const row = buildAccRow(values);
    for (const t of targets) this.record(row, t);
    return targets;
  }

  /** Called after every successful INSERT with the rows written (e.g. to build CDRs on BYE). */
  onWritten(listener: WrittenListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get counters(): Readonly<AccWriterCounters> {
    return { ...this.stats };
  }

  /**
   * Write everything queued so far; resolves true when the queue is empty, false if `timeoutMs`
   * passed first (the rows stay queued). Retries keep their backoff.
   */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.stats.pending > 0) {
      if (Date.now() >= deadline) return false;
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      await this.run();
      if (this.stats.pending > 0 && this.backoff > 0)
        await sleep(Math.min(this.backoff, Math.max(0, deadline - Date.now())));
    }
    return true;
  }

  /** Stop the background flusher after a final flush (for shutdown). */
  async close(timeoutMs = 30_000): Promise<boolean> {
    const ok = await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!ok) this.log("error", `shutdown with ${this.stats.pending} acc rows not written`);
    return ok;
  }

  private schedule(delay: number): void {
    if (this.closed || this.running) return;
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    const wait = this.backoff > 0 ? Math.max(delay, this.backoff) : delay;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
    this.timer.unref();
  }

  /**
   * One pass over the queue; stops at the first database error, then the next pass is scheduled
   * after the backoff.
   */
  private run(): Promise<void> {
    if (!this.running)
      this.running = this.drain().finally(() => {
        this.running = null;
        if (this.stats.pending > 0) this.schedule(0);
      });
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0];
      try {
        await this.insert(chunk.table, chunk.rows);
        this.done(chunk.rows.length);
        this.emit(chunk.table, chunk.rows);
      } catch (e) {
        if (!isDataError(e)) return this.failed(e);
        const ok = await this.insertOneByOne(chunk);
        if (!ok) return;
      }
    }
  }

  /** Isolate refused rows of a batch; false when the database itself failed meanwhile. */
  private async insertOneByOne(chunk: Chunk): Promise<boolean> {
    while (chunk.rows.length > 0) {
      const row = chunk.rows[0];
      try {
        await this.insert(chunk.table, [row]);
        chunk.rows.shift();
        this.stats.pending--;
        this.stats.written++;
        this.emit(chunk.table, [row]);
      } catch (e) {
        if (!isDataError(e)) {
          this.failed(e);
          return false;
        }
        chunk.rows.shift();
        this.stats.pending--;
        this.stats.rejected++;
        this.log("error", `${chunk.table} row refused (${errText(e)}): ${JSON.stringify(row)}`);
      }
    }
    this.chunks.shift();
    this.recovered();
    return true;
  }

  private insert(table: AccTable, rows: AccRow[]) {
    return this.db.insert(TABLES[table]).values(rows);
  }

  private done(n: number): void {
    this.chunks.shift();
    this.stats.pending -= n;
    this.stats.written += n;
    this.recovered();
  }

  private recovered(): void {
    if (this.outageSince) {
      const secs = ((Date.now() - this.outageSince) / 1000).toFixed(1);
      this.log("info", `database writes resumed after ${secs} s; ${this.stats.pending} rows still queued`);
    }
    this.outageSince = 0;
    this.backoff = 0;
  }

  private failed(e: unknown): void {
    this.stats.retries++;
    this.backoff = this.backoff ? Math.min(this.backoff * 2, this.retryMax) : this.retryMin;
    if (!this.outageSince) {
      this.outageSince = Date.now();
      this.log("warn", `database write failed, queueing and retrying: ${errText(e)}`);
    }
  }

  private emit(table: AccTable, rows: readonly AccRow[]): void {
    for (const l of this.listeners) {
      try {
        l(table, rows);
      } catch (e) {
        this.log("error", `onWritten listener failed: ${errText(e)}`);
      }
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
