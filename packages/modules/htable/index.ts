/**
 * htable module: named in-memory hash tables ($sht), loaded from the `htable` database table, with
 * Kamailio's RPC commands. The anti-flood `ipban` table (autoexpire 300 s) is defined by default.
 */
export * from "./module.ts";
export * from "./rpc.ts";
export * from "./table.ts";
