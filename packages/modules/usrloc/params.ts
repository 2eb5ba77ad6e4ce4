/** usrloc module parameters, with Kamailio's names and defaults. */

export type DbMode = 0 | 1 | 2 | 3;

/** db_mode values (Kamailio usrloc: NO_DB, WRITE_THROUGH, WRITE_BACK, DB_ONLY). */
export const NO_DB = 0;
export const WRITE_THROUGH = 1;
export const WRITE_BACK = 2;
export const DB_ONLY = 3;

export interface UsrlocParams {
  /** 0 memory only, 1 write-through, 2 write-back (flushed every timer_interval), 3 database only. */
  db_mode: DbMode;
  /** 1: the AoR is user@domain (multi-domain); 0: the user part only. */
  use_domain: 0 | 1;
  /** Seconds between runs of the expiry sweep (and the write-back flush). */
  timer_interval: number;
  /** Branch flag number marking a NATed contact (received taken from a Path); -1 = none. */
  nat_bflag: number;
  /** Hash table size reported by ul.dump ("Size"), a power of two. */
  hash_size: number;
  /** Value of the server_id column for bindings this process creates. */
  server_id: number;
  /** Rows per statement when flushing or preloading. */
  db_batch_size: number;
  /**
   * How a REGISTER's Contact finds its binding: 0 contact URI, 1 contact URI + Call-ID, 2 contact URI + Path,
   * 3 Call-ID only. Bindings with +sip.instance always match by instance and reg-id.
   */
  matching_mode: 0 | 1 | 2 | 3;
  /** Seconds within which a REGISTER repeating a binding's Call-ID and CSeq counts as a retransmission. */
  cseq_delay: number;
}

export const USRLOC_DEFAULTS: UsrlocParams = {
  db_mode: NO_DB,
  use_domain: 0,
  timer_interval: 60,
  nat_bflag: -1,
  hash_size: 1024,
  server_id: 0,
  db_batch_size: 500,
  matching_mode: 0,
  cseq_delay: 20,
};

export function resolveUsrlocParams(p: Partial<UsrlocParams> = {}): UsrlocParams {
  const out = { ...USRLOC_DEFAULTS, ...p };
  if (![0, 1, 2, 3].includes(out.db_mode)) throw new Error(`usrloc: invalid db_mode ${out.db_mode}`);
  if (!(out.timer_interval > 0)) throw new Error("usrloc: timer_interval must be > 0");
  if (out.hash_size < 1 || (out.hash_size & (out.hash_size - 1)) !== 0)
    throw new Error("usrloc: hash_size must be a power of two");
  if (!(out.db_batch_size >= 1)) throw new Error("usrloc: db_batch_size must be >= 1");
  if (![0, 1, 2, 3].includes(out.matching_mode))
    throw new Error(`usrloc: invalid matching_mode ${out.matching_mode}`);
  return out;
}

/** The branch flag bit of nat_bflag, 0 when unset. */
export const natFlagMask = (p: UsrlocParams): number => (p.nat_bflag >= 0 ? 1 << p.nat_bflag : 0) >>> 0;
