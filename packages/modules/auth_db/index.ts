/**
 * auth_db: digest authentication against the subscriber table (Kamailio auth_db module), with an
 * in-memory credential cache and the subscriber.invalidate RPC.
 */
export {
  AUTH_CHECK_ID_F,
  AUTH_CHECK_SKIPFWD_F,
  type AuthCheckRequest,
  type AuthCheckResult,
  AuthDb,
  type AuthDbOptions,
} from "./auth_db.ts";
export { type CacheEntry, SubscriberCache, type SubscriberCredentials } from "./credentials.ts";
export { AUTH_DB_DEFAULTS, type AuthDbParams, type CredentialColumn } from "./params.ts";
export { registerAuthDbRpc } from "./rpc.ts";
