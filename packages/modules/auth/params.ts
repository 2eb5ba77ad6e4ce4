/**
 * auth module parameters with Kamailio's names. Switchboard defaults differ from Kamailio's where the
 * project asks for more: nonce_expire 30 s (Kamailio 300), nonce_count on (Kamailio off), and qop="auth"
 * offered in every challenge unless the call's flags choose (Kamailio only adds qop when flags ask).
 */

export interface AuthParams {
  /** Key that signs nonces; "" = random per process (nonces then die with a restart, like Kamailio). */
  secret: string;
  /** Seconds a nonce stays valid; an older one gets a new challenge with stale=true. */
  nonce_expire: number;
  /** 1: track the nonce-count of each nonce and refuse a replayed or lower nc (auth_check -6). */
  nonce_count: 0 | 1;
  /** Nonces tracked at once for nonce_count; older ones are treated as stale. */
  nc_array_size: number;
  /**
   * Digest algorithm(s) offered, most preferred first: "MD5", "SHA-256", "SHA-512-256" (RFC 8760), comma
   * separated for several challenges (one WWW-/Proxy-Authenticate header per algorithm).
   */
  algorithm: string;
  /** qop offered when the challenge flags do not say: "auth", "auth-int" or "" (none). */
  qop: "" | "auth" | "auth-int";
}

export const AUTH_DEFAULTS: AuthParams = {
  secret: "",
  nonce_expire: 30,
  nonce_count: 1,
  nc_array_size: 1 << 20,
  algorithm: "MD5",
  qop: "auth",
};
