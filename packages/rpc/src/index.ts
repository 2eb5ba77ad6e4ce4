/**
 * @switchboard/rpc: Kamailio-compatible RPC — one method registry served as JSON-RPC 2.0 and XML-RPC (HTTP, and
 * JSON-RPC over UDP), plus a typed client for sipd and Kamailio nodes.
 * Client-only code can import "@switchboard/rpc/client", "@switchboard/rpc/normalize" and "@switchboard/rpc/methods".
 */
export * from "./cidr.ts";
export * from "./cli/rpc-command.ts";
export * from "./client.ts";
export * from "./dgram.ts";
export * from "./dispatch.ts";
export * from "./errors.ts";
export * from "./json.ts";
export * from "./jsonrpc.ts";
export * from "./methods.ts";
export * from "./normalize.ts";
export * from "./registry.ts";
export * from "./server.ts";
export * from "./values.ts";
export * from "./xmlrpc.ts";
