/**
 * Call load of algorithm 10 (Kamailio's ds_ht + ds_load_* functions): each call routed by
 * algorithm 10 is remembered by Call-ID with the set and `duid` of its destination, and counts in
 * that destination's `dload` until the script ends it (ds_load_unset / ds_load_update on BYE or
 * CANCEL) or it expires (`ds_hash_expire`, or `ds_hash_initexpire` while not confirmed by a 2xx).
 */
import type { DsData, DsDest } from "./dest.ts";

interface LoadCell {
  setid: number;
  duid: string;
  confirmed: boolean;
  expires: number;
  initExpires: number;
}

export interface LoadTimeouts {
  /** Seconds a call counts at most (ds_hash_expire). */
  expire: number;
  /** Seconds an unconfirmed call counts at most (ds_hash_initexpire). */
  initExpire: number;
}

export class CallLoad {
  readonly #cells = new Map<string, LoadCell>();

  constructor(
    private readonly data: () => DsData,
    private readonly timeouts: () => LoadTimeouts,
  ) {}

  get size(): number {
    return this.#cells.size;
  }

  #dest(setid: number, duid: string): DsDest | undefined {
    const d = duid.toLowerCase();
    return this.data()
      .sets.get(setid)
      ?.dests.find((x) => x.attrs.duid.toLowerCase() === d);
  }

  #dec(cell: LoadCell): void {
    const dest = this.#dest(cell.setid, cell.duid);
    if (dest && dest.dload > 0) dest.dload--;
  }

  /** ds_load_add(): counts the call on `dest`; false when the destination has no duid. */
  add(callId: string, dest: DsDest): boolean {
    if (!dest.attrs.duid) return false;
    this.remove(callId);
    const now = Date.now();
    const t = this.timeouts();
    this.#cells.set(callId, {
      setid: dest.setid,
      duid: dest.attrs.duid,
      confirmed: false,
      expires: now + t.expire * 1000,
      initExpires: now + t.initExpire * 1000,
    });
    dest.dload++;
    return true;
  }

  /** ds_load_replace(): moves the call to the destination with `duid` (failover); false when it is gone. */
  replace(callId: string, setid: number, duid: string): boolean {
    const next = this.#dest(setid, duid);
    if (!next) return false;
    this.add(callId, next);
    return true;
  }

  /** ds_load_remove(): the call ended; false when it was not counted. */
  remove(callId: string): boolean {
    const cell = this.#cells.get(callId);
    if (!cell) return false;
    this.#cells.delete(callId);
    this.#dec(cell);
    return true;
  }

  /** A 2xx to the INVITE: the call stays counted until it ends or `expire`. */
  confirm(callId: string): boolean {
    const cell = this.#cells.get(callId);
    if (cell) cell.confirmed = true;
    return cell !== undefined;
  }

  /** ds_ht_timer(): drops expired calls. */
  expire(now = Date.now()): number {
    let n = 0;
    for (const [callId, cell] of this.#cells) {
      if (cell.expires < now || (!cell.confirmed && cell.initExpires < now)) {
        this.#cells.delete(callId);
        this.#dec(cell);
        n++;
      }
    }
    return n;
  }

  /** Recounts every destination's dload from the calls (after a reload built new destinations). */
  recount(data: DsData): void {
    for (const set of data.sets.values()) for (const d of set.dests) d.dload = 0;
    for (const cell of this.#cells.values()) {
      const d = cell.duid.toLowerCase();
      const dest = data.sets.get(cell.setid)?.dests.find((x) => x.attrs.duid.toLowerCase() === d);
      if (dest) dest.dload++;
    }
  }
}
