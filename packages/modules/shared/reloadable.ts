/**
 * In-memory copy of a database table (or list file) that routing reads on every request.
 *
 * Kamailio modules keep two copies of such data and flip an index after a successful load, so a
 * reader never sees a half-built table and a failed load leaves the old one in place. Here the
 * "flip" is a single reference assignment (JavaScript runs one reader at a time), and the load
 * builds a fresh object that nobody can see until it is complete.
 *
 * A load can also succeed with issues: a bad row (e.g. a dialplan regex that does not compile) is
 * left out and reported with its id while the other rows are used. A load that throws (database
 * down, unreadable file) is a failed reload: the old data stays and the reason is kept in
 * `lastError` and thrown to the caller as a ReloadError.
 */

/** One row that could not be used, e.g. `{ id: 7, message: "bad match_exp: ..." }`. */
export interface LoadIssue {
  /** Row id (database) or a place such as "line 3" (list file), when there is one. */
  id?: number | string;
  message: string;
}

/** What a loader returns: the new data and what was wrong with some of its rows. */
export interface Loaded<T> {
  data: T;
  /** Number of rows in use (for reports and RPC answers). */
  size: number;
  issues?: LoadIssue[];
}

export interface ReloadReport {
  table: string;
  size: number;
  issues: LoadIssue[];
  loadedAt: Date;
}

export interface TableStatus {
  table: string;
  loaded: boolean;
  size: number;
  loadedAt: Date | null;
  issues: LoadIssue[];
  lastError: string | null;
}

export class ReloadError extends Error {
  override name = "ReloadError";
  constructor(
    readonly table: string,
    readonly reason: string,
  ) {
    super(`${table}: reload failed, previous data kept: ${reason}`);
  }
}

/** Formats issues the way RPC answers and logs show them: `id 7: bad regex ...`, `line 3: bad line ...`. */
export function formatIssues(issues: readonly LoadIssue[]): string[] {
  return issues.map((i) =>
    i.id === undefined ? i.message : `${typeof i.id === "number" ? `id ${i.id}` : i.id}: ${i.message}`,
  );
}

function reasonOf(e: unknown): string {
  if (e instanceof Error) {
    // drizzle wraps driver errors; the server's text is the useful part.
    const cause = (e as { cause?: { sqlMessage?: string; message?: string } }).cause;
    return cause?.sqlMessage ?? cause?.message ?? e.message;
  }
  return String(e);
}

export class ReloadableTable<T> {
  #data: T;
  #size = 0;
  #loadedAt: Date | null = null;
  #issues: LoadIssue[] = [];
  #lastError: string | null = null;
  #running: Promise<ReloadReport> | null = null;
  #queued: Promise<ReloadReport> | null = null;
  #timer: NodeJS.Timeout | null = null;

  /**
   * @param name   table (or file) name used in reports
   * @param loader builds the next data; gets the current data so runtime state can be carried over
   * @param empty  data served before the first successful load
   */
  constructor(
    readonly name: string,
    private readonly loader: (current: T) => Promise<Loaded<T>>,
    empty: T,
  ) {
    this.#data = empty;
  }

  /** The data in use. Read it once per request and keep the reference for the whole decision. */
  get data(): T {
    return this.#data;
  }

  get loaded(): boolean {
    return this.#loadedAt !== null;
  }

  get status(): TableStatus {
    return {
      table: this.name,
      loaded: this.loaded,
      size: this.#size,
      loadedAt: this.#loadedAt,
      issues: this.#issues,
      lastError: this.#lastError,
    };
  }

  /**
   * Loads the table again and swaps it in. Calls that arrive while a load runs share one follow-up
   * load (the table may have changed after the running load read it). Throws ReloadError and keeps
   * the old data when the load fails.
   */
  reload(): Promise<ReloadReport> {
    if (!this.#running) {
      this.#running = this.#load().finally(() => {
        this.#running = null;
      });
      return this.#running;
    }
    if (!this.#queued) {
      const after = this.#running.catch(() => undefined);
      this.#queued = after.then(() => {
        this.#queued = null;
        return this.reload();
      });
    }
    return this.#queued;
  }

  /** Swaps in data built in memory (e.g. RPC `dispatcher.add`), bypassing the loader. */
  replace(data: T, size: number): void {
    this.#data = data;
    this.#size = size;
  }

  /**
   * Reloads every `intervalMs` while `changed()` (default: always) says the source moved on.
   * Errors are passed to `onError` and the old data stays. The timer does not keep the process alive.
   */
  startRefresh(
    intervalMs: number,
    opts: { changed?: () => Promise<boolean>; onError?: (e: unknown) => void } = {},
  ) {
    this.stopRefresh();
    if (!(intervalMs > 0)) return;
    let busy = false;
    this.#timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        if (!opts.changed || (await opts.changed())) await this.reload();
      } catch (e) {
        opts.onError?.(e);
      } finally {
        busy = false;
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stopRefresh(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #load(): Promise<ReloadReport> {
    let next: Loaded<T>;
    try {
      next = await this.loader(this.#data);
    } catch (e) {
      this.#lastError = reasonOf(e);
      throw new ReloadError(this.name, this.#lastError);
    }
    this.#data = next.data;
    this.#size = next.size;
    this.#issues = next.issues ?? [];
    this.#loadedAt = new Date();
    this.#lastError = null;
    return { table: this.name, size: next.size, issues: this.#issues, loadedAt: this.#loadedAt };
  }
}
