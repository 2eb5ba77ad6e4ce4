/**
 * cfg module: the runtime configuration store (Kamailio's cfg framework + cfg_rpc), the variables
 * sipd declares (pstn.*, voicemail.*, core.debug, tm.*, registrar.*), and the routing decisions that
 * read them (route[PSTN], route[TOVOICEMAIL], failure_route 3xx/voicemail).
 */
export * from "./defaults.ts";
export * from "./routing.ts";
export * from "./rpc.ts";
export * from "./store.ts";
