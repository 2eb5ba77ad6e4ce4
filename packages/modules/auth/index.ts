/**
 * auth: digest authentication core (Kamailio auth module) — challenges, nonces with nonce-count replay
 * protection, response checking, consume_credentials. auth_db plugs the subscriber table in.
 */
export {
  AUTH_ERROR,
  AUTH_INVALID_PASSWORD,
  AUTH_NO_CREDENTIALS,
  AUTH_NONCE_REUSED,
  AUTH_OK,
  AUTH_STALE_NONCE,
  AUTH_USER_MISMATCH,
  AUTH_USER_UNKNOWN,
  Auth,
  type AuthOptions,
  type AuthResultCode,
  CHALLENGE_QOP_AUTH,
  CHALLENGE_QOP_AUTH_INT,
  CHALLENGE_STALE,
  type Challenge,
  type CredentialsHeader,
  consumeCredentials,
  type HeaderLike,
  type PreAuth,
} from "./auth.ts";
export {
  calcHA1,
  calcResponse,
  credentialsComplete,
  type DigestAlgorithm,
  type DigestCredentials,
  digestAlgorithm,
  hashHex,
  parseCredentials,
} from "./digest.ts";
export { type NonceCheck, NonceManager } from "./nonce.ts";
export { AUTH_DEFAULTS, type AuthParams } from "./params.ts";
