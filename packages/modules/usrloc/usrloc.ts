/**
 * usrloc: the in-memory location service with Kamailio's db_mode semantics.
 *
 * - 0 NO_DB: memory only.
 * - 1 WRITE_THROUGH: every change is written before the caller gets its answer; a failed write is reported
 *   (the registrar replies 500) but the binding stays in memory, marked dirty, and the timer retries it
 *   (Kamailio runs its write-back timer in this mode for the same reason).
 * - 2 WRITE_BACK: changes only mark bindings dirty; the timer (every timer_interval s) and flush() write them
 *   in batches, so REGISTER processing never waits for the database.
 * - 3 DB_ONLY: nothing is kept in memory; every read and write goes to the table.
 * Modes 1 and 2 restore the table into memory on start(); the timer drops expired bindings (and their rows).
 *
 * A change is a transaction over one AoR: `transact(aor, decide)` hands the current bindings to a pure
 * `decide` function (the registrar's save logic, an RPC) and applies the operations it returns.
 */
import type { Db } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { ContactTable } from "./db.ts";
import { KeyedLock } from "./keyed-lock.ts";
import {
  DB_ONLY,
  NO_DB,
  resolveUsrlocParams,
  type UsrlocParams,
  WRITE_BACK,
  WRITE_THROUGH,
} from "./params.ts";
import { registerUsrlocRpc } from "./rpc.ts";
import {
  aorHash,
  compareContacts,
  createRuidGenerator,
  isValidContact,
  makeAor,
  type UContact,
} from "./ucontact.ts";

export type UlOp =
  | { op: "insert"; contact: UContact }
  /** Replaces the binding with the same ruid. */
  | { op: "update"; contact: UContact }
  | { op: "delete"; contact: UContact };

/** What a transaction's decide function returns: its own result plus the operations to apply. */
export interface UlDecision {
  ops: readonly UlOp[];
}

/**
 * The driver's message of a failed query. drizzle wraps it in an error whose message repeats the
 * statement with every parameter: for a write-back flush that is every dirty contact, logged on each
 * timer run while the database is down.
 */
function driverMessage(e: unknown): string {
  const err = e as { message?: unknown; cause?: { message?: unknown } } | null;
  const msg = err?.cause?.message ?? err?.message;
  return typeof msg === "string" ? msg : String(e);
}

/** A failed database operation: "get" means the bindings could not be read (db_mode 3). */
export class UsrlocDbError extends Error {
  constructor(
    readonly op: "get" | "insert" | "update" | "delete",
    cause: unknown,
  ) {
    super(`usrloc: database ${op} failed: ${driverMessage(cause)}`, { cause });
    this.name = "UsrlocDbError";
  }
}

export interface TransactResult<D> {
  /** Absent only when the bindings could not be read (error.op === "get"). */
  decision?: D;
  /** Set when a database operation failed; in db_mode 1 the memory change was kept and will be retried. */
  error?: UsrlocDbError;
}

/** One address of record with its bindings, ordered by q then recency. */
export interface URecord {
  readonly aor: string;
  readonly aorhash: number;
  readonly contacts: readonly UContact[];
}

interface MemRecord {
  readonly aor: string;
  readonly aorhash: number;
  contacts: UContact[];
}

type Log = Pick<Console, "error" | "warn">;

interface DomainContext {
  params: UsrlocParams;
  nowSec(): number;
  log: Log;
}

/** One usrloc table ("location"): Kamailio's udomain_t. */
export class UDomain {
  private readonly records = new Map<string, MemRecord>();
  private contactCount = 0;
  /** Contacts removed by the expiry timer (usrloc:<domain>_expires). */
  private expiredCount = 0;
  /** ruids whose rows must go at the next flush. */
  private readonly pendingDeletes = new Set<string>();
  /** ruids being written by the running flush. */
  private readonly inFlight = new Set<string>();
  private flushChain: Promise<void> = Promise.resolve();
  private readonly locks = new KeyedLock();
  private readonly mode: number;

  constructor(
    readonly name: string,
    private readonly ctx: DomainContext,
    private readonly table: ContactTable | undefined,
  ) {
    this.mode = ctx.params.db_mode;
  }

  /** AoR of a user as this domain keys it (use_domain). */
  aorOf(user: string, domain?: string): string {
    return makeAor(user, domain, this.ctx.params.use_domain === 1);
  }

  /** Number of AoRs in memory (usrloc:<domain>_users). */
  get userCount(): number {
    return this.records.size;
  }
  get contactsCount(): number {
    return this.contactCount;
  }
  get expiresCount(): number {
    return this.expiredCount;
  }

  /**
   * All bindings of an AoR (expired ones not yet swept included), ordered by q then recency.
   * db_mode 3 reads the table and throws UsrlocDbError("get") when it cannot.
   */
  async get(aor: string): Promise<readonly UContact[]> {
    if (this.mode !== DB_ONLY) return this.records.get(aor)?.contacts ?? [];
    return (await this.readTable(aor)).sort(compareContacts);
  }

  /** Every record, for ul.dump (db_mode 3 walks the table). */
  async *all(): AsyncGenerator<URecord> {
    if (this.mode !== DB_ONLY) {
      yield* this.records.values();
      return;
    }
    const byAor = new Map<string, UContact[]>();
    for await (const page of this.db().scan()) {
      for (const c of page) {
        const list = byAor.get(c.aor);
        if (list) list.push(c);
        else byAor.set(c.aor, [c]);
      }
    }
    for (const [aor, contacts] of byAor)
      yield { aor, aorhash: aorHash(aor), contacts: contacts.sort(compareContacts) };
  }

  /**
   * Reads the AoR's bindings, lets `decide` choose operations, applies them per db_mode. Transactions on one
   * AoR never interleave when they wait for the database (modes 1 and 3).
   */
  transact<D extends UlDecision>(
    aor: string,
    decide: (existing: readonly UContact[]) => D,
  ): Promise<TransactResult<D>> {
    switch (this.mode) {
      case WRITE_THROUGH:
        return this.locks.run(aor, async () => {
          const decision = decide(this.records.get(aor)?.contacts ?? []);
          const { upserts, deletes } = this.applyMemory(aor, decision.ops);
          const error = await this.writeNow(decision.ops, upserts, deletes);
          return { decision, error };
        });
      case DB_ONLY:
        return this.locks.run(aor, async () => {
          let existing: UContact[];
          try {
            existing = await this.readTable(aor);
          } catch (e) {
            return { error: e instanceof UsrlocDbError ? e : new UsrlocDbError("get", e) };
          }
          const decision = decide(existing.sort(compareContacts));
          const upserts: UContact[] = [];
          const deletes: string[] = [];
          for (const o of decision.ops) {
            if (o.op === "delete") deletes.push(o.contact.ruid);
            else upserts.push({ ...o.contact, state: "CS_SYNC" });
          }
          return { decision, error: await this.writeNow(decision.ops, upserts, deletes) };
        });
      default: {
        const decision = decide(this.records.get(aor)?.contacts ?? []);
        this.applyMemory(aor, decision.ops);
        return Promise.resolve({ decision });
      }
    }
  }

  private db(): ContactTable {
    if (!this.table) throw new Error(`usrloc: domain ${this.name} has no table`);
    return this.table;
  }

  private async readTable(aor: string): Promise<UContact[]> {
    try {
      return await this.db().selectAor(aor);
    } catch (e) {
      throw new UsrlocDbError("get", e);
    }
  }

  /** Applies operations to memory; returns what a write-through must write now. */
  private applyMemory(aor: string, ops: readonly UlOp[]): { upserts: UContact[]; deletes: string[] } {
    const upserts: UContact[] = [];
    const deletes: string[] = [];
    if (ops.length === 0) return { upserts, deletes };
    const dbBacked = this.mode !== NO_DB;
    let rec = this.records.get(aor);
    for (const o of ops) {
      const idx = rec ? rec.contacts.findIndex((c) => c.ruid === o.contact.ruid) : -1;
      if (o.op === "delete") {
        if (!rec || idx < 0) continue;
        const [old] = rec.contacts.splice(idx, 1);
        this.contactCount--;
        if (dbBacked && (old.state !== "CS_NEW" || this.inFlight.has(old.ruid))) {
          deletes.push(old.ruid);
          if (this.mode === WRITE_BACK || this.inFlight.has(old.ruid)) this.pendingDeletes.add(old.ruid);
        }
        continue;
      }
      if (!rec) {
        rec = { aor, aorhash: aorHash(aor), contacts: [] };
        this.records.set(aor, rec);
      }
      if (idx < 0) {
        const c: UContact = { ...o.contact, state: "CS_NEW" };
        rec.contacts.push(c);
        this.contactCount++;
        upserts.push(c);
      } else {
        const old = rec.contacts[idx];
        const unsynced = old.state === "CS_NEW" && !this.inFlight.has(old.ruid);
        const c: UContact = { ...o.contact, state: unsynced ? "CS_NEW" : "CS_DIRTY" };
        rec.contacts[idx] = c;
        upserts.push(c);
      }
    }
    if (rec) {
      if (rec.contacts.length === 0) this.records.delete(aor);
      else rec.contacts.sort(compareContacts);
    }
    return { upserts, deletes };
  }

  /** Write-through of one transaction (modes 1 and 3); failures are returned, never thrown. */
  private async writeNow(
    ops: readonly UlOp[],
    upserts: UContact[],
    deletes: string[],
  ): Promise<UsrlocDbError | undefined> {
    if (this.mode !== WRITE_THROUGH && this.mode !== DB_ONLY) return undefined;
    if (upserts.length === 0 && deletes.length === 0) return undefined;
    try {
      if (upserts.length) await this.db().upsert(upserts);
      if (deletes.length) await this.db().deleteRuids(deletes);
      for (const c of upserts) c.state = "CS_SYNC";
      return undefined;
    } catch (e) {
      // db_mode 1: the dirty bindings and these deletes are retried by the timer's flush.
      if (this.mode === WRITE_THROUGH) for (const r of deletes) this.pendingDeletes.add(r);
      const kind = ops.some((o) => o.op === "insert")
        ? "insert"
        : ops.some((o) => o.op === "update")
          ? "update"
          : "delete";
      const err = new UsrlocDbError(kind, e);
      this.ctx.log.error(err.message);
      return err;
    }
  }

  /** Writes every dirty binding and pending delete (modes 1 and 2); serialised, rejects on failure. */
  flush(): Promise<void> {
    if (this.mode !== WRITE_THROUGH && this.mode !== WRITE_BACK) return Promise.resolve();
    const run = this.flushChain.then(() => this.flushOnce());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(): Promise<void> {
    const dirty: UContact[] = [];
    for (const rec of this.records.values())
      for (const c of rec.contacts) if (c.state !== "CS_SYNC") dirty.push(c);
    const deletes = [...this.pendingDeletes];
    this.pendingDeletes.clear();
    if (dirty.length === 0 && deletes.length === 0) return;
    for (const c of dirty) this.inFlight.add(c.ruid);
    try {
      // A binding changed while in flight was replaced by a new object marked CS_DIRTY, so marking the
      // flushed object is safe: either it is still current (now in the table) or it is detached.
      await this.db().upsert(dirty);
      for (const c of dirty) c.state = "CS_SYNC";
      await this.db().deleteRuids(deletes);
    } catch (e) {
      for (const r of deletes) this.pendingDeletes.add(r);
      throw new UsrlocDbError(dirty.length ? "update" : "delete", e);
    } finally {
      this.inFlight.clear();
    }
  }

  /** Resolves when no transaction is waiting for the database. */
  idle(): Promise<void> {
    return this.locks.idle();
  }

  /** Loads the table into memory (modes 1 and 2, at start). */
  async preload(): Promise<void> {
    for await (const page of this.db().scan()) {
      for (const c of page) {
        let rec = this.records.get(c.aor);
        if (!rec) {
          rec = { aor: c.aor, aorhash: aorHash(c.aor), contacts: [] };
          this.records.set(c.aor, rec);
        }
        rec.contacts.push(c);
        this.contactCount++;
      }
    }
    for (const rec of this.records.values()) rec.contacts.sort(compareContacts);
  }

  /** One timer run: drop expired bindings (and their rows), then flush (modes 1, 2). */
  async timer(): Promise<void> {
    const now = this.ctx.nowSec();
    if (this.mode === DB_ONLY) {
      this.expiredCount += await this.db().deleteExpired(now);
      return;
    }
    const dbBacked = this.mode !== NO_DB;
    for (const [aor, rec] of this.records) {
      if (rec.contacts.every((c) => isValidContact(c, now))) continue;
      const keep: UContact[] = [];
      for (const c of rec.contacts) {
        if (isValidContact(c, now)) keep.push(c);
        else {
          this.contactCount--;
          this.expiredCount++;
          if (dbBacked && (c.state !== "CS_NEW" || this.inFlight.has(c.ruid)))
            this.pendingDeletes.add(c.ruid);
        }
      }
      if (keep.length) rec.contacts = keep;
      else this.records.delete(aor);
    }
    await this.flush();
  }
}

export interface UsrlocOptions {
  params?: Partial<UsrlocParams>;
  /** Required for db_mode 1..3. */
  db?: Db;
  /** Tables to register up front (Kamailio registers them from save()/lookup() calls); default ["location"]. */
  domains?: string[];
  /** Clock in milliseconds (tests). */
  now?: () => number;
  log?: Log;
}

/** The usrloc module: its domains, timer, counters and lifecycle. */
export class Usrloc {
  readonly params: UsrlocParams;
  /** Generates ruids for new bindings (registrar, ul.add). */
  readonly newRuid: () => string;
  private readonly byName = new Map<string, UDomain>();
  private readonly ctx: DomainContext;
  private readonly db?: Db;
  private interval?: NodeJS.Timeout;
  private timerRunning?: Promise<void>;
  private started = false;

  constructor(opts: UsrlocOptions = {}) {
    this.params = resolveUsrlocParams(opts.params);
    if (this.params.db_mode !== NO_DB && !opts.db) throw new Error("usrloc: db_mode > 0 needs a database");
    this.db = opts.db;
    const now = opts.now ?? Date.now;
    this.ctx = { params: this.params, nowSec: () => Math.floor(now() / 1000), log: opts.log ?? console };
    this.newRuid = createRuidGenerator(this.ctx.nowSec());
    for (const name of opts.domains ?? ["location"]) this.domain(name);
  }

  nowSec(): number {
    return this.ctx.nowSec();
  }

  /** Returns (registering on first use, before start()) the domain for a table name. */
  domain(name: string): UDomain {
    const existing = this.byName.get(name);
    if (existing) return existing;
    if (this.started && (this.params.db_mode === WRITE_THROUGH || this.params.db_mode === WRITE_BACK))
      throw new Error(`usrloc: domain ${name} must be registered before start()`);
    const table =
      this.params.db_mode === NO_DB || !this.db
        ? undefined
        : new ContactTable(this.db, name, this.params.use_domain === 1, this.params.db_batch_size);
    const d = new UDomain(name, this.ctx, table);
    this.byName.set(name, d);
    return d;
  }

  /** An already registered domain (RPC lookups by table name). */
  find(name: string): UDomain | undefined {
    return this.byName.get(name);
  }

  get domains(): UDomain[] {
    return [...this.byName.values()];
  }

  /** Restores bindings from the table (db_mode 1, 2) and starts the timer. */
  async start(): Promise<void> {
    if (this.started) return;
    if (this.params.db_mode === WRITE_THROUGH || this.params.db_mode === WRITE_BACK)
      for (const d of this.byName.values()) await d.preload();
    this.started = true;
    this.interval = setInterval(() => void this.runTimer(), this.params.timer_interval * 1000);
    this.interval.unref();
  }

  /** Stops the timer and writes everything still dirty (shutdown). */
  async stop(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    await this.timerRunning;
    await Promise.all(this.domains.map((d) => d.idle()));
    await this.flush();
  }

  /** One timer run over every domain; never rejects (failures are logged and retried next time). */
  runTimer(): Promise<void> {
    if (this.timerRunning) return this.timerRunning;
    this.timerRunning = (async () => {
      for (const d of this.byName.values()) {
        try {
          await d.timer();
        } catch (e) {
          this.ctx.log.error(`usrloc: timer on ${d.name} failed: ${e instanceof Error ? e.message : e}`);
        }
      }
    })().finally(() => {
      this.timerRunning = undefined;
    });
    return this.timerRunning;
  }

  /** Writes all dirty bindings now (ul.flush, shutdown); rejects when a write fails. */
  async flush(): Promise<void> {
    const results = await Promise.allSettled(this.domains.map((d) => d.flush()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Registers ul.dump, ul.lookup, ul.rm, ul.rm_contact, ul.add, ul.flush. */
  registerRpc(registry: RpcRegistry): void {
    registerUsrlocRpc(registry, this);
  }

  /**
   * Kamailio's usrloc statistics: registered_users (AoRs over all domains) and per domain
   * <domain>_users, <domain>_contacts, <domain>_expires. Shaped for sipd's stats registry.
   */
  statDefs(): Array<{ group: string; name: string; read: () => number }> {
    const defs = [
      {
        group: "usrloc",
        name: "registered_users",
        read: () => this.domains.reduce((n, d) => n + d.userCount, 0),
      },
    ];
    for (const d of this.byName.values()) {
      defs.push(
        { group: "usrloc", name: `${d.name}_users`, read: () => d.userCount },
        { group: "usrloc", name: `${d.name}_contacts`, read: () => d.contactsCount },
        { group: "usrloc", name: `${d.name}_expires`, read: () => d.expiresCount },
      );
    }
    return defs;
  }
}
