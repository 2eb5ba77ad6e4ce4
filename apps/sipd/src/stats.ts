/**
 * Statistics registry with Kamailio's naming: every counter lives in a group ("core", "tmx",
 * "usrloc", ...) and is read through a getter, so modules keep their own counters and sipd only
 * maps them. Serves stats.get_statistics / fetch / fetchn / reset / clear and /metrics.
 */
export interface StatDef {
  group: string;
  name: string;
  read: () => number;
  /** Counters can be reset; gauges (e.g. usrloc:registered_users) cannot. */
  reset?: () => void;
}

export class StatsRegistry {
  private readonly defs = new Map<string, StatDef>();

  add(def: StatDef): void {
    this.defs.set(`${def.group}:${def.name}`, def);
  }

  /** Registers every numeric field of a plain counters object as resettable counters of one group. */
  addCounters(group: string, counters: Record<string, number>, names = Object.keys(counters)): void {
    for (const name of names)
      this.add({ group, name, read: () => counters[name] ?? 0, reset: () => (counters[name] = 0) });
  }

  groups(): string[] {
    return [...new Set([...this.defs.values()].map((d) => d.group))].sort();
  }

  /**
   * Kamailio's selectors: "all", "group:" (a whole group), "group:name", or a bare name searched in
   * every group. "group.name" is accepted too (stats.fetch style).
   */
  select(selectors: string[]): StatDef[] {
    const out = new Map<string, StatDef>();
    const sorted = [...this.defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const raw of selectors.length ? selectors : ["all"]) {
      const sel = raw.includes(":") ? raw : raw.replace(".", ":");
      for (const [key, def] of sorted) {
        const match =
          sel === "all" ||
          (sel.endsWith(":") && key.startsWith(sel)) ||
          key === sel ||
          (!sel.includes(":") && def.name === sel);
        if (match) out.set(key, def);
      }
    }
    return [...out.values()];
  }

  /** Plain map "group:name" -> value, for /metrics and the statistics sampler. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, def] of this.defs) out[key] = def.read();
    return out;
  }

  value(key: string): number {
    return this.defs.get(key)?.read() ?? 0;
  }
}
