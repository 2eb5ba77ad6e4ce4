/**
 * usrloc: the location service (bindings of addresses of record) with Kamailio's db_mode semantics,
 * statistics and ul.* RPC commands. The registrar module drives it; see ./usrloc.ts.
 */
export { ContactTable, contactToRow, rowToContact } from "./db.ts";
export {
  DB_ONLY,
  type DbMode,
  NO_DB,
  natFlagMask,
  USRLOC_DEFAULTS,
  type UsrlocParams,
  WRITE_BACK,
  WRITE_THROUGH,
} from "./params.ts";
export { contactInfo, registerUsrlocRpc } from "./rpc.ts";
export {
  ALL_METHODS,
  aorHash,
  type ContactState,
  compareContacts,
  isValidContact,
  makeAor,
  Q_UNSPECIFIED,
  type UContact,
} from "./ucontact.ts";
export {
  type TransactResult,
  UDomain,
  type UlDecision,
  type UlOp,
  type URecord,
  Usrloc,
  UsrlocDbError,
  type UsrlocOptions,
} from "./usrloc.ts";
