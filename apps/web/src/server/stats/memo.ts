/**
 * A short-lived memo of promises, per database handle. Several charts derive from one expensive
 * scan (acc has no time index): the page asks for them in one batch, so the first caller runs the
 * query and the others share its promise and, for a few seconds, its result.
 */
interface Entry {
  at: number;
  value: Promise<unknown>;
}

const store = globalThis as unknown as { __sbStatsMemo?: WeakMap<object, Map<string, Entry>> };

export function memo<T>(scope: object, key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
  store.__sbStatsMemo ??= new WeakMap();
  let cache = store.__sbStatsMemo.get(scope);
  if (!cache) {
    cache = new Map();
    store.__sbStatsMemo.set(scope, cache);
  }
  const now = Date.now();
  for (const [k, e] of cache) if (now - e.at > ttlMs) cache.delete(k);
  const hit = cache.get(key);
  if (hit) return hit.value as Promise<T>;
  const value = fn();
  cache.set(key, { at: now, value });
  // A failure is not remembered: the next caller tries again.
  value.catch(() => cache.delete(key));
  return value;
}

/** Drops a remembered result (after a change that makes it stale). */
export function forget(scope: object, key: string): void {
  store.__sbStatsMemo?.get(scope)?.delete(key);
}
