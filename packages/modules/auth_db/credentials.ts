/**
 * In-memory cache of subscriber credentials, so digest checks on the SIP path do not wait for the database:
 * rows live cache_ttl seconds, unknown usernames cache_negative_ttl seconds; concurrent misses for one
 * username share one query; invalidate() drops entries at once (the console calls subscriber.invalidate
 * after changing a password). The cache is bounded: beyond cache_max_entries the oldest entries go.
 *
 * Stale if error: when the table cannot be read (database down), an expired entry keeps serving, and
 * the table is asked again STALE_RETRY_MS later. Subscribers who authenticated before an outage keep
 * registering and calling through it; an invalidated entry is gone and does not come back this way.
 */
import { type Db, subscriber } from "@switchboard/db";
import { and, eq } from "drizzle-orm";
import type { AuthDbParams } from "./params.ts";

export interface SubscriberCredentials {
  password: string;
  ha1: string;
  ha1b: string;
}

export interface CacheEntry {
  /** null: no such subscriber. */
  row: SubscriberCredentials | null;
  /** When the row was read (ms). */
  loadedAt: number;
  expiresAt: number;
}

/** While the database fails, how long an expired entry is served before the table is asked again. */
const STALE_RETRY_MS = 5000;

export class SubscriberCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<CacheEntry>>();
  /** Bumped by invalidate(): a query started before it must not repopulate the cache. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly p: AuthDbParams,
    private readonly now: () => number,
  ) {}

  private key(user: string, domain: string): string {
    return this.p.use_domain ? `${user}\n${domain.toLowerCase()}` : `${user}\n`;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The credentials of user (at domain when use_domain), from memory when fresh. `olderThan` (ms) forces
   * a new read when the cached row was loaded before that time. When the database fails it resolves
   * with the cached entry however old, and rejects only when there is none.
   */
  get(user: string, domain: string, olderThan?: number): Promise<CacheEntry> {
    const key = this.key(user, domain);
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now() && (olderThan === undefined || hit.loadedAt >= olderThan))
      return Promise.resolve(hit);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const gen = this.generation;
    const load = this.query(user, domain)
      .then((row) => {
        const loadedAt = this.now();
        const ttl = row ? this.p.cache_ttl : this.p.cache_negative_ttl;
        const entry: CacheEntry = { row, loadedAt, expiresAt: loadedAt + ttl * 1000 };
        if (gen === this.generation) this.store(key, entry);
        return entry;
      })
      .catch((e: unknown) => {
        const stale = this.entries.get(key);
        if (!stale || gen !== this.generation) throw e;
        const entry: CacheEntry = { ...stale, expiresAt: this.now() + STALE_RETRY_MS };
        this.store(key, entry);
        return entry;
      })
      .finally(() => {
        if (this.inflight.get(key) === load) this.inflight.delete(key);
      });
    this.inflight.set(key, load);
    return load;
  }

  private store(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.p.cache_max_entries) break;
      this.entries.delete(k);
    }
  }

  private async query(user: string, domain: string): Promise<SubscriberCredentials | null> {
    const t = subscriber;
    const where = this.p.use_domain ? and(eq(t.username, user), eq(t.domain, domain)) : eq(t.username, user);
    const rows = await this.db
      .select({ password: t.password, ha1: t.ha1, ha1b: t.ha1b })
      .from(t)
      .where(where)
      .limit(1);
    return rows[0] ?? null;
  }

  /**
   * Drops cached credentials: everything, every domain of one username, or one username@domain.
   * Returns how many entries went.
   */
  invalidate(user?: string, domain?: string): number {
    this.generation++;
    if (user === undefined) {
      const n = this.entries.size;
      this.entries.clear();
      this.inflight.clear();
      return n;
    }
    const exact = domain !== undefined && this.p.use_domain ? this.key(user, domain) : undefined;
    let n = 0;
    for (const k of [...this.entries.keys()]) {
      if (exact ? k === exact : k.startsWith(`${user}\n`)) {
        this.entries.delete(k);
        n++;
      }
    }
    for (const k of [...this.inflight.keys()])
      if (exact ? k === exact : k.startsWith(`${user}\n`)) this.inflight.delete(k);
    return n;
  }
}
