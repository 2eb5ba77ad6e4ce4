/** Helpers shared by the modules: reloadable in-memory tables, Kamailio's hash, IP and pattern matching. */
export * from "./db.ts";
export * from "./hash.ts";
export * from "./ip.ts";
export * from "./params.ts";
export * from "./regex.ts";
export * from "./reloadable.ts";
