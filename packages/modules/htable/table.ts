/**
 * One named hash table of Kamailio's htable module: string keys holding string or integer values,
 * with optional expiry.
 *
 * Definition (modparam "htable"): `name=>size=8;autoexpire=300;dbtable=htable;dbmode=0;initval=0;updateexpire=1;`
 * - size: the table has 2^size slots (only visible in htable.dump/stats; values below 2 become 3 and
 *   above 31 become 14, as Kamailio does);
 * - autoexpire: seconds after which an item is removed when not updated (0 = never);
 * - updateexpire: 1 (default) a write restarts the item's expiry, 0 keeps the first one;
 * - initval: integer returned for a missing key instead of $null;
 * - dbtable: database table loaded at start and by htable.reload; dbmode=1 writes the table back on
 *   shutdown.
 * Expired items are invisible at once and removed by the module's timer (timer_interval).
 */
import { coreHashSlot, parseParamList, strToInt } from "../shared/index.ts";

export type HtValue = string | number;

export interface HtableSpec {
  name: string;
  size: number;
  /** Seconds; 0 = items never expire. */
  autoexpire: number;
  dbtable: string;
  dbmode: 0 | 1;
  initval?: number;
  updateexpire: 0 | 1;
  dmqreplicate: 0 | 1;
}

/** Parse a Kamailio htable definition, e.g. `ipban=>size=8;autoexpire=300;`. */
export function parseHtableSpec(def: string): HtableSpec {
  const arrow = def.indexOf("=>");
  const name = (arrow < 0 ? "" : def.slice(0, arrow)).trim();
  if (!name) throw new Error(`htable: invalid definition "${def}": expected name=>attr=value;...`);
  const spec: HtableSpec = {
    name,
    size: 4,
    autoexpire: 0,
    dbtable: "",
    dbmode: 0,
    updateexpire: 1,
    dmqreplicate: 0,
  };
  const int = (k: string, v: string) => {
    const n = strToInt(v);
    if (n === undefined || n < 0) throw new Error(`htable ${name}: ${k} must be a number >= 0, got "${v}"`);
    return n;
  };
  for (const [k, v] of parseParamList(def.slice(arrow + 2))) {
    switch (k) {
      case "size":
        spec.size = int(k, v);
        break;
      case "autoexpire":
        spec.autoexpire = int(k, v);
        break;
      case "dbtable":
        spec.dbtable = v;
        break;
      case "dbmode":
        spec.dbmode = int(k, v) ? 1 : 0;
        break;
      case "initval": {
        const n = strToInt(v);
        if (n === undefined) throw new Error(`htable ${name}: initval must be an integer, got "${v}"`);
        spec.initval = n;
        break;
      }
      case "updateexpire":
        spec.updateexpire = int(k, v) ? 1 : 0;
        break;
      case "dmqreplicate":
        spec.dmqreplicate = int(k, v) ? 1 : 0;
        break;
      default:
        throw new Error(`htable ${name}: unknown attribute "${k}"`);
    }
  }
  if (spec.size < 2) spec.size = 3;
  else if (spec.size > 31) spec.size = 14;
  return spec;
}

export interface HtCell {
  value: HtValue;
  /** Expiry as ms since the epoch; 0 = never. */
  expire: number;
}

export class Htable {
  readonly spec: HtableSpec;
  /** Number of slots (2^size), what Kamailio reports as the table size. */
  readonly slots: number;
  private cells = new Map<string, HtCell>();
  private readonly now: () => number;

  constructor(spec: HtableSpec, now: () => number = Date.now) {
    this.spec = spec;
    this.slots = 2 ** spec.size;
    this.now = now;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Live items (expired ones not yet swept are counted until the timer removes them). */
  get size(): number {
    return this.cells.size;
  }

  /** The cell of `key`, or undefined when absent or expired (an expired cell is removed). */
  cell(key: string): HtCell | undefined {
    const c = this.cells.get(key);
    if (!c) return undefined;
    if (c.expire !== 0 && c.expire <= this.now()) {
      this.cells.delete(key);
      return undefined;
    }
    return c;
  }

  /** `$sht(name=>key)`: the value, initval when the table has one, else undefined ($null). */
  get(key: string): HtValue | undefined {
    return this.cell(key)?.value ?? this.spec.initval;
  }

  has(key: string): boolean {
    return this.cell(key) !== undefined;
  }

  /** `$sht(name=>key) = value`. Integers must be whole numbers. */
  set(key: string, value: HtValue): void {
    if (typeof value === "number" && !Number.isInteger(value))
      throw new Error(`htable ${this.name}: integer value expected, got ${value}`);
    const old = this.cell(key);
    const ttl = this.spec.autoexpire * 1000;
    const expire = old && this.spec.updateexpire === 0 ? old.expire : ttl > 0 ? this.now() + ttl : 0;
    this.cells.set(key, { value, expire });
  }

  /** `$shtex(name=>key) = seconds`: the item expires `seconds` from now (0 = never). */
  setExpire(key: string, seconds: number): boolean {
    const c = this.cell(key);
    if (!c) return false;
    c.expire = seconds > 0 ? this.now() + seconds * 1000 : 0;
    return true;
  }

  /** `$shtex(name=>key)`: seconds until expiry, 0 when it never expires or is missing. */
  expiresIn(key: string): number {
    const c = this.cell(key);
    return c?.expire ? Math.max(0, Math.ceil((c.expire - this.now()) / 1000)) : 0;
  }

  /** `$shtinc(name=>key)`: add `by` to an integer item (a missing one counts from 0); the new value. */
  inc(key: string, by = 1): number {
    const v = this.cell(key)?.value ?? 0;
    if (typeof v !== "number") throw new Error(`htable ${this.name}: ${key} holds a string`);
    this.set(key, v + by);
    return v + by;
  }

  /** `sht_rm(name, key)`. */
  delete(key: string): boolean {
    return this.cells.delete(key);
  }

  /** `sht_reset(name)`. */
  reset(): void {
    this.cells.clear();
  }

  /** Remove expired items; returns how many. */
  sweep(): number {
    const now = this.now();
    let n = 0;
    for (const [k, c] of this.cells)
      if (c.expire !== 0 && c.expire <= now) {
        this.cells.delete(k);
        n++;
      }
    return n;
  }

  /** Live items, in insertion order. */
  *entries(): IterableIterator<[string, HtCell]> {
    const now = this.now();
    for (const e of this.cells) if (e[1].expire === 0 || e[1].expire > now) yield e;
  }

  /** Slot of a key, as htable.dump reports it. */
  slotOf(key: string): number {
    return coreHashSlot(key, this.slots);
  }

  /** Swap in a complete new content (reload). */
  replaceAll(cells: Map<string, HtCell>): void {
    this.cells = cells;
  }
}
