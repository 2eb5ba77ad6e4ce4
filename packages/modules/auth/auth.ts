/**
 * The auth module: digest challenges (www_challenge, proxy_challenge, auth_challenge), the checks of
 * received credentials that do not need the user's password (Kamailio pre_auth: realm, completeness,
 * nonce validity and nonce-count), the response check, and consume_credentials.
 * Credentials storage lives in auth_db, which calls preAuth()/verify().
 */

import { timingSafeEqual } from "node:crypto";
import {
  calcResponse,
  credentialsComplete,
  type DigestAlgorithm,
  type DigestCredentials,
  digestAlgorithm,
  parseCredentials,
} from "./digest.ts";
import { NonceManager } from "./nonce.ts";
import { AUTH_DEFAULTS, type AuthParams } from "./params.ts";

/** Kamailio auth_cfg_result_t: what auth_check() and friends return. */
export const AUTH_OK = 1;
export const AUTH_ERROR = -1;
export const AUTH_INVALID_PASSWORD = -2;
export const AUTH_USER_UNKNOWN = -3;
export const AUTH_STALE_NONCE = -4;
export const AUTH_NO_CREDENTIALS = -5;
export const AUTH_NONCE_REUSED = -6;
export const AUTH_USER_MISMATCH = -8;

export type AuthResultCode = 1 | -1 | -2 | -3 | -4 | -5 | -6 | -8;

/** Challenge flags (Kamailio auth_challenge/www_challenge): qop=auth, qop=auth-int, stale=true. */
export const CHALLENGE_QOP_AUTH = 1;
export const CHALLENGE_QOP_AUTH_INT = 2;
export const CHALLENGE_STALE = 16;

/** A header field of the request; sip's HeaderField fits. */
export interface HeaderLike {
  name: string;
  value: string;
}

export interface Challenge {
  status: 401 | 407;
  reason: "Unauthorized" | "Proxy Authentication Required";
  /** WWW-Authenticate or Proxy-Authenticate, one per offered algorithm (RFC 8760 §2.4), preferred first. */
  headers: HeaderLike[];
}

export type CredentialsHeader = "Authorization" | "Proxy-Authorization";

/** Outcome of preAuth(): either a final result, or credentials that need the user's HA1 to verify. */
export type PreAuth<H extends HeaderLike> =
  | { code: AuthResultCode; header?: H; credentials?: DigestCredentials }
  | { code: "verify"; header: H; credentials: DigestCredentials; alg: DigestAlgorithm };

export interface AuthOptions {
  params?: Partial<AuthParams>;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;

export class Auth {
  readonly params: AuthParams;
  readonly algorithms: DigestAlgorithm[];
  private readonly nonces: NonceManager;

  constructor(opts: AuthOptions = {}) {
    this.params = { ...AUTH_DEFAULTS, ...opts.params };
    this.algorithms = this.params.algorithm.split(",").map((a) => {
      const alg = digestAlgorithm(a);
      if (!alg || alg.sess) throw new Error(`auth: unsupported algorithm "${a.trim()}"`);
      return alg;
    });
    if (!(this.params.nonce_expire > 0)) throw new Error("auth: nonce_expire must be > 0");
    this.nonces = new NonceManager({
      secret: this.params.secret,
      expire: this.params.nonce_expire,
      nonceCount: this.params.nonce_count === 1,
      ncArraySize: this.params.nc_array_size,
      now: opts.now ?? Date.now,
    });
  }

  /**
   * The challenge header values: `Digest realm="..", nonce="..", qop="auth", stale=true, algorithm=MD5`
   * (Kamailio's order), one per configured algorithm, each with its own nonce.
   */
  challengeValues(realm: string, flags = 0): string[] {
    const qop =
      flags & CHALLENGE_QOP_AUTH_INT ? "auth-int" : flags & CHALLENGE_QOP_AUTH ? "auth" : this.params.qop;
    return this.algorithms.map((alg) => {
      let v = `Digest realm=${quote(realm)}, nonce="${this.nonces.create()}"`;
      if (qop) v += `, qop="${qop}"`;
      if (flags & CHALLENGE_STALE) v += ", stale=true";
      return `${v}, algorithm=${alg.name}`;
    });
  }

  /** www_challenge(realm, flags): 401 Unauthorized with WWW-Authenticate. */
  www_challenge(realm: string, flags = 0): Challenge {
    const values = this.challengeValues(realm, flags);
    return {
      status: 401,
      reason: "Unauthorized",
      headers: values.map((value) => ({ name: "WWW-Authenticate", value })),
    };
  }

  /** proxy_challenge(realm, flags): 407 Proxy Authentication Required with Proxy-Authenticate. */
  proxy_challenge(realm: string, flags = 0): Challenge {
    const values = this.challengeValues(realm, flags);
    return {
      status: 407,
      reason: "Proxy Authentication Required",
      headers: values.map((value) => ({ name: "Proxy-Authenticate", value })),
    };
  }

  /**
   * auth_challenge(realm, flags): 401 for REGISTER, 407 for anything else. After auth_check returned -4
   * (stale nonce), add CHALLENGE_STALE so the UA retries with the new nonce without asking the user.
   */
  auth_challenge(method: string, realm: string, flags = 0): Challenge {
    return method === "REGISTER" ? this.www_challenge(realm, flags) : this.proxy_challenge(realm, flags);
  }

  /**
   * Kamailio pre_auth(): finds the credentials for `realm` in the given header, checks they are complete,
   * that the algorithm is one offered, and the nonce (signature, expiry, nonce-count). ACK, CANCEL and
   * PRACK are accepted as they are (they cannot be challenged).
   */
  preAuth<H extends HeaderLike>(
    method: string,
    headers: readonly H[],
    realm: string,
    headerName: CredentialsHeader,
  ): PreAuth<H> {
    if (method === "ACK" || method === "CANCEL" || method === "PRACK") return { code: AUTH_OK };
    const key = headerName.toLowerCase();
    const wanted = realm.toLowerCase();
    for (const h of headers) {
      if (h.name.toLowerCase() !== key) continue;
      const credentials = parseCredentials(h.value);
      if (!credentials || credentials.realm.toLowerCase() !== wanted) continue;
      const alg = digestAlgorithm(credentials.algorithm);
      if (!credentialsComplete(credentials) || !alg || !this.algorithms.some((a) => a.hash === alg.hash))
        return { code: AUTH_ERROR, header: h, credentials };
      switch (this.nonces.check(credentials.nonce, credentials.qop ? credentials.nc : undefined)) {
        case "stale":
          return { code: AUTH_STALE_NONCE, header: h, credentials };
        case "reused":
          return { code: AUTH_NONCE_REUSED, header: h, credentials };
        case "invalid":
          return { code: AUTH_ERROR, header: h, credentials };
        default:
          return { code: "verify", header: h, credentials, alg };
      }
    }
    return { code: AUTH_NO_CREDENTIALS };
  }

  /** Kamailio auth_check_response(): recomputes the response from the user's HA1 and compares. */
  verify(
    credentials: DigestCredentials,
    alg: DigestAlgorithm,
    method: string,
    ha1: string,
    body?: string | Buffer,
  ): boolean {
    const got = credentials.response.toLowerCase();
    if (got.length !== alg.hexLength) return false;
    const expected = calcResponse({
      alg,
      ha1,
      nonce: credentials.nonce,
      method,
      uri: credentials.uri,
      qop: credentials.qop,
      nc: credentials.nc,
      cnonce: credentials.cnonce,
      body,
    });
    return timingSafeEqual(Buffer.from(got), Buffer.from(expected));
  }
}

/**
 * consume_credentials(): the header list without the credentials auth_check() used, so they are not
 * relayed downstream.
 */
export function consumeCredentials<H>(headers: readonly H[], used: H | undefined): H[] {
  return used === undefined ? [...headers] : headers.filter((h) => h !== used);
}
