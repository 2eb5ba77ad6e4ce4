/**
 * The usrloc data model: one binding (Kamailio's ucontact_t) per contact of an address of record, with the
 * same fields the `location` table stores, plus the helpers every user of the model shares (validity,
 * ordering, AoR hash, ruid generation).
 */
import { coreHash } from "../shared/index.ts";

/** Synchronisation state of a contact with the database (Kamailio cstate_t). */
export type ContactState = "CS_NEW" | "CS_SYNC" | "CS_DIRTY";

/** Kamailio's Q_UNSPECIFIED: the REGISTER gave no q; it sorts below every explicit q (qvalue.h). */
export const Q_UNSPECIFIED = -1;

/** ALL_METHODS: the contact accepts every method (no Allow header, no methods param). */
export const ALL_METHODS = 0xffffffff;

/** One binding. Times are unix seconds, like Kamailio's time_t fields. */
export interface UContact {
  /** Unique id of the binding (location.ruid), kept across refreshes. */
  readonly ruid: string;
  /** "user" or "user@domain" (usrloc use_domain). */
  readonly aor: string;
  /** The Contact URI as registered. */
  readonly contact: string;
  /** Source address URI when the UA is behind NAT (nathelper's received), "" when unset. */
  readonly received: string;
  /** RFC 3327 Path vector ("<sip:p1;lr>,<sip:p2;lr>"), "" when unset. */
  readonly path: string;
  /** Absolute expiry; 0 = permanent (added by RPC with expires 0). */
  readonly expires: number;
  /** 0..1, or Q_UNSPECIFIED. */
  readonly q: number;
  readonly callid: string;
  readonly cseq: number;
  /** Internal flags (Kamailio FL_*), kept for the table. */
  readonly flags: number;
  /** Branch flags saved with the binding (e.g. the NAT flag), restored on lookup. */
  readonly cflags: number;
  readonly userAgent: string;
  /** Local socket the REGISTER arrived on, "proto:ip:port"; "" when unknown. */
  readonly socket: string;
  /** Bitmask of accepted methods (see registrar/methods.ts). */
  readonly methods: number;
  /** RFC 5626 +sip.instance, without the surrounding quotes; "" when absent. */
  readonly instance: string;
  /** RFC 5626 reg-id; 0 when absent. */
  readonly regId: number;
  readonly serverId: number;
  /** TCP connection id the binding was learnt on; -1 for UDP. */
  readonly connectionId: number;
  readonly keepalive: number;
  readonly lastKeepalive: number;
  readonly lastModified: number;
  /** Mutable: moves to CS_SYNC once the database holds this exact version. */
  state: ContactState;
}

/** Kamailio VALID_CONTACT(): not yet expired, or permanent. */
export function isValidContact(c: UContact, nowSec: number): boolean {
  return c.expires === 0 || c.expires > nowSec;
}

/**
 * Binding order used for lookup and the registrar's replies: q descending (unspecified last), then the
 * most recently modified first (usrloc's "q value, then descending modification time").
 */
export function compareContacts(a: UContact, b: UContact): number {
  return b.q - a.q || b.lastModified - a.lastModified;
}

/** The record's HashID (ul.dump): Kamailio's core_hash(aor, NULL, 0). */
export const aorHash = (aor: string): number => coreHash(aor);

/**
 * Unique binding ids in Kamailio's sruid shape "uloc-<start time>-<pid>-<counter>" (hex), unique per process
 * and across restarts.
 */
export function createRuidGenerator(nowSec: number = Math.floor(Date.now() / 1000), pid = process.pid) {
  const prefix = `uloc-${nowSec.toString(16)}-${pid.toString(16)}-`;
  let counter = 0;
  return (): string => prefix + (++counter).toString(16);
}

/**
 * The AoR key of a user: the user part, plus "@domain" when use_domain is on. Hosts compare without case
 * (RFC 3261 §19.1.4); the user part keeps its case like Kamailio's default case_sensitive=1.
 */
export function makeAor(user: string, domain: string | undefined, useDomain: boolean): string {
  if (!useDomain) return user;
  const host = (domain ?? "").toLowerCase();
  return user ? `${user}@${host}` : host;
}

/** Splits an AoR back into the table's username/domain columns (first '@', like usrloc's db code). */
export function splitAor(aor: string, useDomain: boolean): { username: string; domain: string | null } {
  if (!useDomain) return { username: aor, domain: null };
  const at = aor.indexOf("@");
  return at < 0 ? { username: aor, domain: null } : { username: aor.slice(0, at), domain: aor.slice(at + 1) };
}
