/**
 * Per-key fixed-window counter (login attempts per client address). In memory: one console process
 * per host is the deployment shape, and the per-account lockout in sb_admin covers the rest.
 */
export class RateLimiter {
  private hits = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; false when the key has used up its window. */
  hit(key: string, now = Date.now()): boolean {
    const cur = this.hits.get(key);
    if (!cur || now - cur.start >= this.windowMs) {
      if (this.hits.size > 10_000) this.prune(now);
      this.hits.set(key, { start: now, count: 1 });
      return true;
    }
    cur.count++;
    return cur.count <= this.limit;
  }

  /** Seconds until `key` may try again. */
  retryAfter(key: string, now = Date.now()): number {
    const cur = this.hits.get(key);
    return cur ? Math.max(0, Math.ceil((cur.start + this.windowMs - now) / 1000)) : 0;
  }

  private prune(now: number) {
    for (const [k, v] of this.hits) if (now - v.start >= this.windowMs) this.hits.delete(k);
  }
}

/**
 * Login attempts: per client address, plus a ceiling for all addresses together. The address comes
 * from X-Forwarded-For, which a client talking to the console directly can make up; the overall
 * ceiling bounds guessing spread over made-up addresses (the per-account lockout bounds guessing
 * one account).
 */
export class LoginThrottle {
  private readonly perClient: RateLimiter;
  private readonly overall: RateLimiter;

  constructor(opts: { perClient: number; overall: number; windowMs: number }) {
    this.perClient = new RateLimiter(opts.perClient, opts.windowMs);
    this.overall = new RateLimiter(opts.overall, opts.windowMs);
  }

  /** Counts an attempt from `client`; the seconds to wait when it must be refused, else 0. */
  attempt(client: string, now = Date.now()): number {
    if (!this.perClient.hit(client, now)) return Math.max(1, this.perClient.retryAfter(client, now));
    if (!this.overall.hit("*", now)) return Math.max(1, this.overall.retryAfter("*", now));
    return 0;
  }
}
