/**
 * auth_db: digest authentication against the `subscriber` table (Kamailio auth_db authorize.c):
 * auth_check(), www_authenticate(), proxy_authenticate(), with credentials served from SubscriberCache.
 *
 * Which stored value verifies a response:
 * - calculate_ha1=1: HA1 = H(username:realm:password) from the password column, for any algorithm
 *   (MD5, SHA-256, SHA-512-256). When the password is empty (kamctl STORE_PLAINTEXT_PW=0) Switchboard falls
 *   back to the stored ha1/ha1b, which serve MD5 only.
 * - calculate_ha1=0: the stored HA1 from password_column (ha1), or password_column_2 (ha1b) when the
 *   digest username is "user@domain". kamctl/Siremis store MD5 there; an SHA-256 HA1 (64 hex digits)
 *   verifies SHA-256 responses. A stored HA1 of the wrong length for the algorithm fails as a wrong password.
 */
import type { Db } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import {
  AUTH_ERROR,
  AUTH_INVALID_PASSWORD,
  AUTH_OK,
  AUTH_USER_MISMATCH,
  AUTH_USER_UNKNOWN,
  type Auth,
  type AuthResultCode,
  type CredentialsHeader,
  calcHA1,
  type DigestAlgorithm,
  type DigestCredentials,
  type HeaderLike,
} from "../auth/index.ts";
import { type CacheEntry, SubscriberCache, type SubscriberCredentials } from "./credentials.ts";
import { type AuthDbParams, resolveAuthDbParams } from "./params.ts";
import { registerAuthDbRpc } from "./rpc.ts";

/** auth_check() flags: 1 the auth username must be the From (To for REGISTER/PUBLISH) user; 2 skip that
 * check for INVITE, BYE, PRACK, UPDATE and MESSAGE (requests a UA may send on behalf of others). */
export const AUTH_CHECK_ID_F = 1;
export const AUTH_CHECK_SKIPFWD_F = 2;

/** After a failed check, a cached row older than this is read again once (a password changed elsewhere). */
const RECHECK_AFTER_MS = 1000;

/** What auth_check needs from the request. The URI parts are used by flag 1 only. */
export interface AuthCheckRequest<H extends HeaderLike = HeaderLike> {
  method: string;
  /** Request header fields; Authorization (REGISTER) or Proxy-Authorization (others) are read. */
  headers: readonly H[];
  /** Message body, for qop=auth-int. */
  body?: string | Buffer;
  fromUser?: string;
  fromDomain?: string;
  toUser?: string;
  toDomain?: string;
  /** Request-URI user/host (PUBLISH identity check). */
  ruriUser?: string;
  ruriDomain?: string;
}

export interface AuthCheckResult<H extends HeaderLike = HeaderLike> {
  /** 1 ok, -1 error/bad credentials, -2 wrong password, -3 unknown user, -4 stale nonce, -5 no credentials,
   * -6 nonce reused, -8 auth user does not match From/To. */
  code: AuthResultCode;
  /** The header the credentials came from; consumeCredentials() removes it before relaying. */
  header?: H;
  /** The digest username as sent, and its user and domain parts (Kamailio $au, $ad). */
  username?: string;
  user?: string;
  domain?: string;
}

export interface AuthDbOptions {
  auth: Auth;
  db: Db;
  params?: Partial<AuthDbParams>;
  now?: () => number;
  log?: Pick<Console, "error" | "warn">;
}

const SKIPFWD_METHODS = new Set(["INVITE", "BYE", "PRACK", "UPDATE", "MESSAGE"]);
const sameHost = (a = "", b = "") => a.toLowerCase() === b.toLowerCase();

export class AuthDb {
  readonly params: AuthDbParams;
  readonly cache: SubscriberCache;
  private readonly auth: Auth;
  private readonly now: () => number;
  private readonly log: Pick<Console, "error" | "warn">;

  constructor(opts: AuthDbOptions) {
    this.params = resolveAuthDbParams(opts.params);
    this.auth = opts.auth;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? console;
    this.cache = new SubscriberCache(opts.db, this.params, this.now);
  }

  /**
   * auth_check(realm, table, flags): REGISTER is checked against Authorization, other methods against
   * Proxy-Authorization. On -4 challenge again with CHALLENGE_STALE; on -5/-4/-2/-3/-6 the default script
   * answers auth_challenge(); on -8 it answers 403.
   */
  async auth_check<H extends HeaderLike>(
    req: AuthCheckRequest<H>,
    realm: string,
    table = "subscriber",
    flags = 0,
  ): Promise<AuthCheckResult<H>> {
    if (req.method === "ACK" || req.method === "CANCEL") return { code: AUTH_OK };
    const header: CredentialsHeader = req.method === "REGISTER" ? "Authorization" : "Proxy-Authorization";
    const res = await this.authenticate(req, realm, table, header);
    if (res.code !== AUTH_OK || !res.header || !(flags & AUTH_CHECK_ID_F)) return res;
    return this.identityMatches(req, res.user ?? "", flags) ? res : { ...res, code: AUTH_USER_MISMATCH };
  }

  /** www_authenticate(realm, table): checks the Authorization header. */
  www_authenticate<H extends HeaderLike>(req: AuthCheckRequest<H>, realm: string, table = "subscriber") {
    return this.authenticate(req, realm, table, "Authorization");
  }

  /** proxy_authenticate(realm, table): checks the Proxy-Authorization header. */
  proxy_authenticate<H extends HeaderLike>(req: AuthCheckRequest<H>, realm: string, table = "subscriber") {
    return this.authenticate(req, realm, table, "Proxy-Authorization");
  }

  /** Drops cached credentials (all, one username, or username@domain); the next request reads the table. */
  invalidate(username?: string, domain?: string): number {
    return this.cache.invalidate(username, domain);
  }

  /** Registers subscriber.invalidate. */
  registerRpc(registry: RpcRegistry): void {
    registerAuthDbRpc(registry, this);
  }

  /** Kamailio digest_authenticate_hdr(). */
  private async authenticate<H extends HeaderLike>(
    req: AuthCheckRequest<H>,
    realm: string,
    table: string,
    headerName: CredentialsHeader,
  ): Promise<AuthCheckResult<H>> {
    if (!realm) return { code: AUTH_ERROR };
    if (table !== "subscriber") {
      this.log.error(`auth_db: unsupported credentials table "${table}"`);
      return { code: AUTH_ERROR };
    }
    const pre = this.auth.preAuth(req.method, req.headers, realm, headerName);
    const who = pre.credentials
      ? { username: pre.credentials.username, user: pre.credentials.user, domain: pre.credentials.domain }
      : {};
    if (pre.code !== "verify") return { code: pre.code, header: pre.header, ...who };
    const cred = pre.credentials;
    // The subscriber's domain: the one in the digest username, else the realm.
    const domain = cred.domain || realm;
    let entry: CacheEntry;
    try {
      entry = await this.cache.get(cred.user, domain);
      if (
        entry.row &&
        !this.check(entry.row, cred, pre.alg, realm, req) &&
        this.now() - entry.loadedAt >= RECHECK_AFTER_MS
      )
        entry = await this.cache.get(cred.user, domain, this.now());
    } catch (e) {
      this.log.error(
        `auth_db: reading subscriber ${cred.user} failed: ${e instanceof Error ? e.message : e}`,
      );
      return { code: AUTH_ERROR, header: pre.header, ...who };
    }
    if (!entry.row) return { code: AUTH_USER_UNKNOWN, header: pre.header, ...who };
    const ok = this.check(entry.row, cred, pre.alg, realm, req);
    return { code: ok ? AUTH_OK : AUTH_INVALID_PASSWORD, header: pre.header, ...who };
  }

  private check(
    row: SubscriberCredentials,
    cred: DigestCredentials,
    alg: DigestAlgorithm,
    realm: string,
    req: AuthCheckRequest<HeaderLike>,
  ): boolean {
    const ha1 = this.ha1(row, cred, alg, realm);
    return ha1 !== undefined && this.auth.verify(cred, alg, req.method, ha1, req.body);
  }

  /** Kamailio get_ha1(), plus the fallback to stored HA1s when no clear password is kept. */
  private ha1(row: SubscriberCredentials, cred: DigestCredentials, alg: DigestAlgorithm, realm: string) {
    const p = this.params;
    if (p.calculate_ha1) {
      const password = row[p.password_column];
      if (password) return calcHA1(alg, cred.username, realm, password);
    }
    const column = p.calculate_ha1
      ? cred.domain
        ? "ha1b"
        : "ha1"
      : cred.domain
        ? p.password_column_2
        : p.password_column;
    const stored = row[column];
    return stored.length === alg.hexLength ? stored.toLowerCase() : undefined;
  }

  /** auth_check flag 1 (Kamailio AUTH_CHECK_ID_F), with flag 2 exempting requests sent on others' behalf. */
  private identityMatches(req: AuthCheckRequest<HeaderLike>, authUser: string, flags: number): boolean {
    const reg = req.method === "REGISTER" || req.method === "PUBLISH";
    const skip = (flags & AUTH_CHECK_SKIPFWD_F) !== 0 && SKIPFWD_METHODS.has(req.method);
    if (!skip && authUser !== ((reg ? req.toUser : req.fromUser) ?? "")) return false;
    if (!reg) return true;
    const domains = this.params.use_domain === 1;
    if ((req.fromUser ?? "") !== (req.toUser ?? "")) return false;
    if (domains && !sameHost(req.fromDomain, req.toDomain)) return false;
    if (req.method === "PUBLISH") {
      if ((req.fromUser ?? "") !== (req.ruriUser ?? "")) return false;
      if (domains && !sameHost(req.fromDomain, req.ruriDomain)) return false;
    }
    return true;
  }
}
