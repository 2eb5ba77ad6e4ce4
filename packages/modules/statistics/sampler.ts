/**
 * Statistics sampler: one row in Siremis's `statistics` table every `interval` seconds, and rows older
 * than `retention` removed, which is what Siremis asks operators to add to kamailio.cfg (an rtimer
 * route every 300 s writing $stat() values, deleting rows older than 10 days every 144th run). The
 * console's charts read this table.
 *
 * Columns and sources:
 * - time_stamp: unix time of the sample;
 * - shm_used_size / shm_real_used_size / shm_max_used_size / shm_free_used_size: Kamailio's shared
 *   memory used / real used (with allocator overhead) / peak / free. sipd has no shared memory pool, so
 *   the process's memory stands in, in bytes: JS heap in use / resident set size / highest resident set
 *   size seen / heap still available before the heap limit (unless readCounters() supplies them);
 * - ul_users, ul_contacts: usrloc location_users, location_contacts (gauges);
 * - tm_active: tmx inuse_transactions (gauge);
 * - rcv_req_diff, fwd_req_diff, 2xx_trans_diff: core rcv_requests, fwd_requests and tmx 2xx_transactions
 *   since the previous sample (the first sample counts from 0, like Siremis's route; a counter that
 *   went down, i.e. was reset, counts from 0 again).
 * All columns are INT UNSIGNED: values are clamped to 0..4294967295.
 *
 * The sampler never blocks: a sample that cannot be written (database down) is kept (up to `backlog`
 * samples, the oldest dropped first) and written with the next successful one.
 */
import { getHeapStatistics } from "node:v8";
import { type Db, statistics } from "@switchboard/db";
import { lt } from "drizzle-orm";

export interface MemorySizes {
  used_size: number;
  real_used_size: number;
  max_used_size: number;
  free_size: number;
}

/** What readCounters() returns: Kamailio statistic names. */
export interface SamplerCounters extends Partial<MemorySizes> {
  rcv_requests: number;
  fwd_requests: number;
  "2xx_transactions": number;
  location_users: number;
  location_contacts: number;
  inuse_transactions: number;
}

export interface StatisticsParams {
  /** Seconds between samples (default 60). */
  interval?: number;
  /** Seconds of history kept (default 864000 = 10 days, as Siremis). */
  retention?: number;
  /** Seconds between prunes (default 3600). */
  prune_interval?: number;
  /** Samples kept in memory while the database is unreachable (default 1440, one day at 60 s). */
  backlog?: number;
}

export type StatisticsRow = typeof statistics.$inferInsert;
export type StatisticsLog = (level: "info" | "warn", msg: string) => void;

const UINT_MAX = 4_294_967_295;
const u32 = (n: number) => (Number.isFinite(n) ? Math.min(UINT_MAX, Math.max(0, Math.round(n))) : 0);
const diff = (cur: number, prev: number) => (cur >= prev ? cur - prev : cur);

/** Pure: the row for `cur`, given the previous sample's counters (zeros for the first one). */
export function buildStatisticsRow(
  cur: SamplerCounters,
  prev: Pick<SamplerCounters, "rcv_requests" | "fwd_requests" | "2xx_transactions">,
  mem: MemorySizes,
  timeStampSec: number,
): StatisticsRow {
  return {
    timeStamp: u32(timeStampSec),
    shmUsedSize: u32(cur.used_size ?? mem.used_size),
    shmRealUsedSize: u32(cur.real_used_size ?? mem.real_used_size),
    shmMaxUsedSize: u32(cur.max_used_size ?? mem.max_used_size),
    shmFreeUsedSize: u32(cur.free_size ?? mem.free_size),
    ulUsers: u32(cur.location_users),
    ulContacts: u32(cur.location_contacts),
    tmActive: u32(cur.inuse_transactions),
    rcvReqDiff: u32(diff(cur.rcv_requests, prev.rcv_requests)),
    fwdReqDiff: u32(diff(cur.fwd_requests, prev.fwd_requests)),
    trans2xxDiff: u32(diff(cur["2xx_transactions"], prev["2xx_transactions"])),
  };
}

/** The process's memory in the four shm columns' terms; `peak` is the highest RSS seen so far. */
export function processMemory(peak: number): MemorySizes {
  const m = process.memoryUsage();
  return {
    used_size: m.heapUsed,
    real_used_size: m.rss,
    max_used_size: Math.max(peak, m.rss),
    free_size: Math.max(0, getHeapStatistics().heap_size_limit - m.heapUsed),
  };
}

export interface SamplerCountersOut {
  /** Samples taken. */
  samples: number;
  /** Rows written. */
  written: number;
  /** Samples waiting for the database. */
  pending: number;
  /** Samples dropped because the backlog was full. */
  dropped: number;
  /** Rows removed by pruning. */
  pruned: number;
  lastError: string | null;
}

export class StatisticsSampler {
  private readonly db: Db;
  private readonly read: () => SamplerCounters | Promise<SamplerCounters>;
  private readonly now: () => number;
  private readonly log: StatisticsLog;
  private readonly p: Required<StatisticsParams>;
  private prev = { rcv_requests: 0, fwd_requests: 0, "2xx_transactions": 0 };
  private peak = 0;
  private backlogRows: StatisticsRow[] = [];
  private lastPrune = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private readonly stats: SamplerCountersOut = {
    samples: 0,
    written: 0,
    pending: 0,
    dropped: 0,
    pruned: 0,
    lastError: null,
  };

  constructor(opts: {
    db: Db;
    readCounters: () => SamplerCounters | Promise<SamplerCounters>;
    params?: StatisticsParams;
    now?: () => number;
    log?: StatisticsLog;
  }) {
    this.db = opts.db;
    this.read = opts.readCounters;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((level, msg) => console[level === "info" ? "log" : "warn"](`statistics: ${msg}`));
    this.p = { interval: 60, retention: 864_000, prune_interval: 3600, backlog: 1440, ...opts.params };
    if (!(this.p.interval > 0)) throw new Error("statistics: interval must be > 0");
  }

  get counters(): Readonly<SamplerCountersOut> {
    return { ...this.stats, pending: this.backlogRows.length };
  }

  /** Sample every `interval` seconds (the timer does not keep the process alive). */
  start(): void {
    this.clearTimer();
    this.timer = setInterval(() => {
      void this.sample();
    }, this.p.interval * 1000);
    this.timer.unref();
  }

  /** Stop sampling; waits for a sample being written. */
  async stop(): Promise<void> {
    this.clearTimer();
    await this.running;
  }

  /**
   * Take one sample now and write it with any backlog; prune when due. Resolves true when everything
   * was written, false when the rows stay queued. Never rejects. Overlapping calls share one run.
   */
  sample(): Promise<boolean> {
    if (!this.running)
      this.running = this.take().finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Delete rows older than the retention; returns how many. */
  async prune(): Promise<number> {
    const cutoff = Math.floor(this.now() / 1000) - this.p.retention;
    const [res] = await this.db.delete(statistics).where(lt(statistics.timeStamp, cutoff));
    this.lastPrune = this.now();
    this.stats.pruned += res.affectedRows;
    return res.affectedRows;
  }

  private async take(): Promise<boolean> {
    let cur: SamplerCounters;
    try {
      cur = await this.read();
    } catch (e) {
      this.fail(`reading counters failed: ${(e as Error).message}`);
      return false;
    }
    const mem = processMemory(this.peak);
    this.peak = mem.max_used_size;
    this.queue(buildStatisticsRow(cur, this.prev, mem, Math.floor(this.now() / 1000)));
    this.prev = {
      rcv_requests: cur.rcv_requests,
      fwd_requests: cur.fwd_requests,
      "2xx_transactions": cur["2xx_transactions"],
    };
    this.stats.samples++;
    try {
      await this.db.insert(statistics).values(this.backlogRows);
      this.stats.written += this.backlogRows.length;
      if (this.stats.lastError) this.log("info", `writing samples again (${this.backlogRows.length} rows)`);
      this.backlogRows = [];
      this.stats.lastError = null;
    } catch (e) {
      this.fail(`writing ${this.backlogRows.length} sample(s) failed, keeping them: ${errText(e)}`);
      return false;
    }
    if (this.now() - this.lastPrune >= this.p.prune_interval * 1000)
      await this.prune().catch((e) => this.fail(`pruning failed: ${errText(e)}`));
    return true;
  }

  private queue(row: StatisticsRow): void {
    this.backlogRows.push(row);
    const over = this.backlogRows.length - Math.max(1, this.p.backlog);
    if (over > 0) {
      this.backlogRows.splice(0, over);
      this.stats.dropped += over;
    }
  }

  private fail(msg: string): void {
    if (this.stats.lastError === null) this.log("warn", msg);
    this.stats.lastError = msg;
  }

  private clearTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const errText = (e: unknown) =>
  (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message ?? String(e);
