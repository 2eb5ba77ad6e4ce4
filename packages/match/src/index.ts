/**
 * Pure matching logic that sipd's modules and the console both need, so a rule the console checks or
 * evaluates behaves exactly as the node will run it. No SIP, database or RPC code here.
 */
export * from "./dialplan.ts";
export * from "./regex.ts";
