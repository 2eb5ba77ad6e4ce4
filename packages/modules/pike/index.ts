/**
 * pike module: per-IP request density (flood detection), the default configuration's anti-flood
 * decisions (ipban htable + pike, scanner User-Agents) and the pike.top RPC command.
 */
export * from "./antiflood.ts";
export * from "./pike.ts";
export * from "./rpc.ts";
