/**
 * htable module: the set of named hash tables, their database loading (at start and on
 * htable.reload), the expiry timer and the write-back of dbmode=1 tables on shutdown.
 *
 * Database rows (table `htable`, or the table named by dbtable, Kamailio's columns):
 *   key_name, key_type (0 simple key, 1 array key), value_type (0 string, 1 integer), key_value,
 *   expires (absolute unix time, used only with db_expires=1 on an autoexpire table).
 * Array keys become `name[0]`, `name[1]`... in row order plus `name::size` (array_size_suffix) holding
 * the count. A row whose integer value does not parse is skipped and reported; the other rows load.
 * A reload builds the new content aside and swaps it in only when the read succeeded.
 */
import type { Db } from "@switchboard/db";
import { sql } from "drizzle-orm";
import { type LoadIssue, ReloadError, strToInt } from "../shared/index.ts";
import { Htable, type HtableSpec, type HtCell, parseHtableSpec } from "./table.ts";

/** The default kamailio.cfg's WITH_ANTIFLOOD table, plus the `htable` DB table Siremis edits. */
export const DEFAULT_HTABLES = ["ipban=>size=8;autoexpire=300;", "htable=>size=8;dbtable=htable;"];

export interface HtableParams {
  /** Table definitions, Kamailio syntax (modparam "htable", one per table). Default DEFAULT_HTABLES. */
  htable?: Array<string | HtableSpec>;
  /** 1: load/save item expiry from/to the expires column (tables with autoexpire only). Default 0. */
  db_expires?: 0 | 1;
  /** Seconds between sweeps of expired items (default 20). */
  timer_interval?: number;
  /** Suffix of the key holding an array's length (default "::size"). */
  array_size_suffix?: string;
}

export type HtableLog = (level: "info" | "warn" | "error", msg: string) => void;

interface DbRow {
  key_name: string;
  key_type: number;
  value_type: number;
  key_value: string;
  expires: number;
}

export interface HtableLoadReport {
  table: string;
  dbtable: string;
  size: number;
  issues: LoadIssue[];
}

/** Pure: a table's content from its database rows. */
export function cellsFromRows(
  rows: readonly (DbRow & { id?: number })[],
  spec: HtableSpec,
  opts: { dbExpires: boolean; arraySizeSuffix: string; nowMs: number },
): { cells: Map<string, HtCell>; issues: LoadIssue[] } {
  const cells = new Map<string, HtCell>();
  const issues: LoadIssue[] = [];
  const arrays = new Map<string, number>();
  const useExpires = opts.dbExpires && spec.autoexpire > 0;
  for (const r of rows) {
    let value: string | number = r.key_value;
    if (Number(r.value_type) === 1) {
      const n = strToInt(r.key_value);
      if (n === undefined) {
        issues.push({ id: r.id, message: `key ${r.key_name}: integer value expected, got "${r.key_value}"` });
        continue;
      }
      value = n;
    }
    let expire = 0;
    const exp = Number(r.expires);
    if (useExpires && exp > 0) {
      expire = exp * 1000;
      if (expire <= opts.nowMs) continue;
    }
    let name = r.key_name;
    if (Number(r.key_type) === 1) {
      const n = arrays.get(name) ?? 0;
      arrays.set(name, n + 1);
      name = `${name}[${n}]`;
    }
    cells.set(name, { value, expire });
  }
  for (const [name, n] of arrays) cells.set(`${name}${opts.arraySizeSuffix}`, { value: n, expire: 0 });
  return { cells, issues };
}

export class HtableModule {
  private readonly db: Db | undefined;
  private readonly byName = new Map<string, Htable>();
  private readonly dbExpires: boolean;
  private readonly timerInterval: number;
  private readonly arraySizeSuffix: string;
  private readonly now: () => number;
  private readonly log: HtableLog;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: { db?: Db; params?: HtableParams; now?: () => number; log?: HtableLog } = {}) {
    const p = opts.params ?? {};
    this.db = opts.db;
    this.dbExpires = p.db_expires === 1;
    this.timerInterval = p.timer_interval ?? 20;
    this.arraySizeSuffix = p.array_size_suffix ?? "::size";
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((level, msg) => console[level === "info" ? "log" : level](`htable: ${msg}`));
    for (const def of p.htable ?? DEFAULT_HTABLES) {
      const spec = typeof def === "string" ? parseHtableSpec(def) : def;
      if (this.byName.has(spec.name)) throw new Error(`htable: table ${spec.name} defined twice`);
      this.byName.set(spec.name, new Htable(spec, this.now));
    }
  }

  /** A table by name ($sht(name=>...)); undefined when not defined. */
  table(name: string): Htable | undefined {
    return this.byName.get(name);
  }

  /** Tables in definition order. */
  get tables(): Htable[] {
    return [...this.byName.values()];
  }

  get hasDb(): boolean {
    return this.db !== undefined;
  }

  /**
   * Load every table that has a dbtable. Throws (after trying all tables) when one could not be read,
   * as Kamailio refuses to start then; the tables read so far keep their data.
   */
  async init(): Promise<HtableLoadReport[]> {
    const reports: HtableLoadReport[] = [];
    const failed: string[] = [];
    for (const t of this.tables) {
      if (!t.spec.dbtable || !this.db) continue;
      try {
        reports.push(await this.reload(t.name));
      } catch (e) {
        failed.push((e as Error).message);
      }
    }
    if (failed.length) throw new Error(failed.join("; "));
    return reports;
  }

  /** Re-read a table from its dbtable and swap it in; on failure the old content stays (ReloadError). */
  async reload(name: string): Promise<HtableLoadReport> {
    const t = this.byName.get(name);
    if (!t) throw new Error(`htable: no such table ${name}`);
    if (!this.db) throw new ReloadError(name, "no database");
    if (!t.spec.dbtable) throw new ReloadError(name, "the table has no dbtable");
    let rows: (DbRow & { id?: number })[];
    try {
      const [res] = await this.db.execute(
        sql`SELECT id, key_name, key_type, value_type, key_value, expires FROM ${sql.identifier(t.spec.dbtable)} ORDER BY id`,
      );
      rows = res as unknown as (DbRow & { id?: number })[];
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause;
      throw new ReloadError(name, cause?.message ?? (e as Error).message);
    }
    const { cells, issues } = cellsFromRows(rows, t.spec, {
      dbExpires: this.dbExpires,
      arraySizeSuffix: this.arraySizeSuffix,
      nowMs: this.now(),
    });
    t.replaceAll(cells);
    for (const i of issues) this.log("warn", `${t.spec.dbtable} row ${i.id ?? "?"} skipped: ${i.message}`);
    return { table: name, dbtable: t.spec.dbtable, size: cells.size, issues };
  }

  /** Write a dbmode=1 table back to its dbtable (replacing the rows), as Kamailio does on shutdown. */
  async save(name: string): Promise<number> {
    const t = this.byName.get(name);
    if (!t?.spec.dbtable || !this.db) return 0;
    const table = sql.identifier(t.spec.dbtable);
    const items = [...t.entries()];
    const useExpires = this.dbExpires && t.spec.autoexpire > 0;
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM ${table}`);
      for (let i = 0; i < items.length; i += 500) {
        const values = items.slice(i, i + 500).map(([k, c]) => {
          const expires = useExpires && c.expire ? Math.floor(c.expire / 1000) : 0;
          return sql`(${k}, 0, ${typeof c.value === "number" ? 1 : 0}, ${String(c.value)}, ${expires})`;
        });
        await tx.execute(
          sql`INSERT INTO ${table} (key_name, key_type, value_type, key_value, expires) VALUES ${sql.join(values, sql`, `)}`,
        );
      }
    });
    return items.length;
  }

  /** Remove expired items from every table now. */
  sweep(): number {
    let n = 0;
    for (const t of this.byName.values()) n += t.sweep();
    return n;
  }

  /** Start the expiry timer (it does not keep the process alive). */
  start(): void {
    this.stopTimer();
    this.timer = setInterval(() => this.sweep(), this.timerInterval * 1000);
    this.timer.unref();
  }

  /** Stop the timer and write back dbmode=1 tables. */
  async close(): Promise<void> {
    this.stopTimer();
    for (const t of this.tables)
      if (t.spec.dbmode === 1)
        try {
          await this.save(t.name);
        } catch (e) {
          this.log("error", `saving ${t.name} to ${t.spec.dbtable} failed: ${(e as Error).message}`);
        }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
