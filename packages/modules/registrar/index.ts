/**
 * registrar: save("location") / lookup("location") / registered() over usrloc (Kamailio registrar module),
 * plus the t_load_contacts / t_next_contacts helpers for serial forking by q.
 */
export { type LocationBranch, type LookupResult, selectBranches, toBranch } from "./lookup.ts";
export { methodAllowed, methodBit, parseMethods } from "./methods.ts";
export { REGISTRAR_DEFAULTS, type RegistrarParams } from "./params.ts";
export { formatQ, parseQ } from "./qvalue.ts";
export { type LookupRequest, Registrar, type RegistrarOptions } from "./registrar.ts";
export { buildReply, contactHeaderValue, type ReplyHeader, type SaveReply } from "./reply.ts";
export { type RegisterContact, type RegisterRequest, receivedUri } from "./request.ts";
export { RERRNO, type Rerrno } from "./rerrno.ts";
export { decideSave, REG_SAVE_NOVARIATION_FL, REG_SAVE_REPL_FL } from "./save.ts";
export { type ContactQueue, loadContacts, nextContacts } from "./serial.ts";
