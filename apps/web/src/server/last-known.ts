/**
 * The last good answer of a few small database reads (the session behind a cookie, the node list),
 * served only while the database is unreachable. So during a MariaDB outage an operator stays logged
 * in and the pages that live on RPC (dashboard, registrations, dispatcher states, RPC console) keep
 * working; everything else shows "database unavailable" and recovers by itself.
 */
import { isDbUnreachable } from "./errors";

export class LastKnown<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly maxEntries = 10_000) {}

  async read(key: string, load: () => Promise<V>): Promise<V> {
    try {
      const v = await load();
      this.remember(key, v);
      return v;
    } catch (e) {
      if (isDbUnreachable(e) && this.values.has(key)) return this.values.get(key) as V;
      throw e;
    }
  }

  forget(match: (key: string, value: V) => boolean): void {
    for (const [k, v] of this.values) if (match(k, v)) this.values.delete(k);
  }

  private remember(key: string, v: V): void {
    this.values.delete(key);
    this.values.set(key, v);
    if (this.values.size > this.maxEntries) this.values.delete(this.values.keys().next().value as string);
  }
}
