/**
 * HTTP Digest as SIP uses it (RFC 2617 §3.2, RFC 3261 §22.4) with the RFC 8760 algorithms:
 * credentials parsing and the HA1/response computations.
 */
import { createHash } from "node:crypto";

export interface DigestAlgorithm {
  /** Name as it appears in the algorithm param: "MD5", "SHA-256", "SHA-512-256", each optionally "-sess". */
  name: string;
  /** node:crypto hash name. */
  hash: string;
  /** The "-sess" variant: HA1 is re-hashed with the nonce and cnonce (RFC 2617 §3.2.2.2). */
  sess: boolean;
  /** Length of a response in hex. */
  hexLength: number;
}

const BASES: Record<string, { hash: string; hexLength: number }> = {
  MD5: { hash: "md5", hexLength: 32 },
  "SHA-256": { hash: "sha256", hexLength: 64 },
  "SHA-512-256": { hash: "sha512-256", hexLength: 64 },
};

/** The algorithm of an algorithm param (case-insensitive); absent means MD5 (RFC 2617 §3.2.1). */
export function digestAlgorithm(param?: string): DigestAlgorithm | undefined {
  const upper = (param ?? "MD5").trim().toUpperCase();
  const sess = upper.endsWith("-SESS");
  const base = sess ? upper.slice(0, -5) : upper;
  const info = BASES[base];
  return info ? { name: sess ? `${base}-sess` : base, sess, ...info } : undefined;
}

export const hashHex = (hash: string, data: string): string => createHash(hash).update(data).digest("hex");

/** HA1 = H(username:realm:password). */
export function calcHA1(alg: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hashHex(alg.hash, `${username}:${realm}:${password}`);
}

export interface ResponseInput {
  alg: DigestAlgorithm;
  /** H(username:realm:password), before the -sess step. */
  ha1: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  /** Message body, for qop=auth-int. */
  body?: string | Buffer;
}

/**
 * request-digest (RFC 2617 §3.2.2.1): with qop, H(HA1:nonce:nc:cnonce:qop:HA2), without,
 * H(HA1:nonce:HA2); HA2 = H(method:uri) or, for auth-int, H(method:uri:H(body)).
 */
export function calcResponse(p: ResponseInput): string {
  const h = p.alg.hash;
  const ha1 = p.alg.sess ? hashHex(h, `${p.ha1}:${p.nonce}:${p.cnonce ?? ""}`) : p.ha1;
  const ha2 =
    p.qop === "auth-int"
      ? hashHex(
          h,
          `${p.method}:${p.uri}:${createHash(h)
            .update(p.body ?? "")
            .digest("hex")}`,
        )
      : hashHex(h, `${p.method}:${p.uri}`);
  return p.qop
    ? hashHex(h, `${ha1}:${p.nonce}:${p.nc ?? ""}:${p.cnonce ?? ""}:${p.qop}:${ha2}`)
    : hashHex(h, `${ha1}:${p.nonce}:${ha2}`);
}

/** The parameters of one Authorization / Proxy-Authorization header (RFC 2617 §3.2.2). */
export interface DigestCredentials {
  /** The whole username as sent, possibly "user@domain". */
  username: string;
  /** username split at the first '@' (Kamailio's digest username user/domain parts). */
  user: string;
  domain: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  nc?: string;
  qop?: string;
  opaque?: string;
}

/**
 * Parses `Digest name=value, name="quoted", ...`. Returns undefined for another scheme or broken syntax;
 * missing parameters come back as "" (see credentialsComplete).
 */
export function parseCredentials(value: string): DigestCredentials | undefined {
  const s = value.trim();
  const m = /^digest\s+/i.exec(s);
  if (!m) return undefined;
  const params = new Map<string, string>();
  let i = m[0].length;
  while (i < s.length) {
    while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === ",")) i++;
    if (i >= s.length) break;
    const eq = s.indexOf("=", i);
    if (eq < 0) return undefined;
    const name = s.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (s[i] === " " || s[i] === "\t") i++;
    let val: string;
    if (s[i] === '"') {
      let out = "";
      i++;
      for (; i < s.length && s[i] !== '"'; i++) out += s[i] === "\\" && i + 1 < s.length ? s[++i] : s[i];
      if (s[i] !== '"') return undefined;
      i++;
      val = out;
    } else {
      const end = s.indexOf(",", i);
      val = s.slice(i, end < 0 ? s.length : end).trim();
      i = end < 0 ? s.length : end;
    }
    if (!name) return undefined;
    params.set(name, val);
  }
  const username = params.get("username") ?? "";
  const at = username.indexOf("@");
  return {
    username,
    user: at < 0 ? username : username.slice(0, at),
    domain: at < 0 ? "" : username.slice(at + 1),
    realm: params.get("realm") ?? "",
    nonce: params.get("nonce") ?? "",
    uri: params.get("uri") ?? "",
    response: params.get("response") ?? "",
    algorithm: params.get("algorithm"),
    cnonce: params.get("cnonce"),
    nc: params.get("nc"),
    qop: params.get("qop"),
    opaque: params.get("opaque"),
  };
}

const NC = /^[0-9a-fA-F]{8}$/;

/**
 * Kamailio check_dig_cred(): username, realm, nonce, uri and response present; with qop, a known qop plus
 * cnonce and an 8-hex-digit nc.
 */
export function credentialsComplete(c: DigestCredentials): boolean {
  if (!c.username || !c.realm || !c.nonce || !c.uri || !c.response) return false;
  if (c.qop === undefined) return true;
  if (c.qop !== "auth" && c.qop !== "auth-int") return false;
  return !!c.cnonce && !!c.nc && NC.test(c.nc);
}
