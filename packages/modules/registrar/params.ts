/**
 * registrar module parameters with Kamailio's names. Defaults are the module's, except where the default
 * kamailio.cfg (which Switchboard mirrors) sets another value: max_expires 3600 and method_filtering 1.
 */

export interface RegistrarParams {
  /** Expires used when neither the Contact nor the Expires header gives one. */
  default_expires: number;
  /** Percentage by which default_expires is randomly lowered (spreads re-registrations); 0 = off. */
  default_expires_range: number;
  /** Percentage by which a requested expires is randomly lowered; 0 = off. */
  expires_range: number;
  /** Shortest accepted registration. */
  min_expires: number;
  /** 0: a shorter expires is raised to min_expires; 1: it is rejected with 423 Interval Too Brief. */
  min_expires_mode: 0 | 1;
  /** Longest registration; longer requests are lowered to it. 0 = no limit. */
  max_expires: number;
  /** q given to contacts without one; -1 = unspecified. */
  default_q: number;
  /** Bindings allowed per AoR; 0 = unlimited. Beyond it: 503 "Too many registered contacts". */
  max_contacts: number;
  /** Retry-After seconds added to 5xx replies; 0 = none. */
  retry_after: number;
  /** 1: lookup() skips bindings whose methods do not include the request's method. */
  method_filtering: 0 | 1;
  /** 1: lookup() returns every binding (forking); 0: only the best one. */
  append_branches: 0 | 1;
  /** 1: store the Path header vector with the binding (RFC 3327). */
  use_path: 0 | 1;
  /**
   * With use_path: 0 off (stored, never echoed), 1 lazy (echoed when the UA supports "path"),
   * 2 strict (a Path from a UA without "Supported: path" is rejected with 420).
   */
  path_mode: 0 | 1 | 2;
  /** 1: take the received address from the first Path URI's "received" param (edge proxy NAT fix). */
  path_use_received: 0 | 1;
  /** Contact parameter the 200 OK uses to show a binding's received address; "" = not shown. */
  received_param: string;
  /** Longest Contact URI accepted. */
  contact_max_size: number;
}

export const REGISTRAR_DEFAULTS: RegistrarParams = {
  default_expires: 3600,
  default_expires_range: 0,
  expires_range: 0,
  min_expires: 60,
  min_expires_mode: 0,
  max_expires: 3600,
  default_q: -1,
  max_contacts: 0,
  retry_after: 0,
  method_filtering: 1,
  append_branches: 1,
  use_path: 0,
  path_mode: 2,
  path_use_received: 0,
  received_param: "received",
  contact_max_size: 512,
};

export function resolveRegistrarParams(p: Partial<RegistrarParams> = {}): RegistrarParams {
  const out = { ...REGISTRAR_DEFAULTS, ...p };
  for (const k of ["default_expires", "min_expires", "max_expires", "max_contacts", "retry_after"] as const)
    if (!Number.isInteger(out[k]) || out[k] < 0) throw new Error(`registrar: ${k} must be an integer >= 0`);
  for (const k of ["default_expires_range", "expires_range"] as const)
    if (!(out[k] >= 0 && out[k] <= 100)) throw new Error(`registrar: ${k} must be 0..100`);
  if (out.default_q !== -1 && !(out.default_q >= 0 && out.default_q <= 1))
    throw new Error("registrar: default_q must be -1 or 0..1");
  return out;
}
