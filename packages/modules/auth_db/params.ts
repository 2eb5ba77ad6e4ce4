/**
 * auth_db module parameters with Kamailio's names and defaults, plus the credential cache Switchboard adds
 * (Kamailio queries the table on every request; sipd serves credentials from memory).
 */

/** subscriber columns that can hold a password or an HA1. */
export type CredentialColumn = "password" | "ha1" | "ha1b";

export interface AuthDbParams {
  /** 1: the password column holds the clear password and HA1 is computed (needed for SHA-256 with a password). */
  calculate_ha1: 0 | 1;
  /** Column read for the password (calculate_ha1=1) or the HA1 of bare usernames. */
  password_column: CredentialColumn;
  /** Column read for the HA1 of usernames sent as user@domain (calculate_ha1=0). */
  password_column_2: CredentialColumn;
  /** 1: the subscriber is looked up by username and domain; 0: by username only. */
  use_domain: 0 | 1;
  /** Seconds a subscriber row is served from memory before it is read again. */
  cache_ttl: number;
  /** Seconds an unknown username is remembered as unknown. */
  cache_negative_ttl: number;
  /** Most cached usernames; the oldest are dropped beyond it. */
  cache_max_entries: number;
}

export const AUTH_DB_DEFAULTS: AuthDbParams = {
  calculate_ha1: 0,
  password_column: "ha1",
  password_column_2: "ha1b",
  use_domain: 0,
  cache_ttl: 60,
  cache_negative_ttl: 5,
  cache_max_entries: 100_000,
};

const COLUMNS: readonly string[] = ["password", "ha1", "ha1b"];

export function resolveAuthDbParams(p: Partial<AuthDbParams> = {}): AuthDbParams {
  const out = { ...AUTH_DB_DEFAULTS, ...p };
  for (const k of ["password_column", "password_column_2"] as const)
    if (!COLUMNS.includes(out[k])) throw new Error(`auth_db: ${k} must be one of ${COLUMNS.join(", ")}`);
  for (const k of ["cache_ttl", "cache_negative_ttl"] as const)
    if (!(out[k] >= 0)) throw new Error(`auth_db: ${k} must be >= 0`);
  if (!(out.cache_max_entries >= 1)) throw new Error("auth_db: cache_max_entries must be >= 1");
  return out;
}
