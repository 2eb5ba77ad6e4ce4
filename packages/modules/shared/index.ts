/** Helpers shared by the modules: reloadable in-memory tables, Kamailio's hash, IP and pattern matching. */

// Pattern translation lives in @switchboard/match (the console checks patterns with the same code).
export { compileRegex, fnmatchRegExp, type RegexFlavor } from "@switchboard/match";
export * from "./db.ts";
export * from "./hash.ts";
export * from "./ip.ts";
export * from "./params.ts";
export * from "./reloadable.ts";
