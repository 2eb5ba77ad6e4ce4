/**
 * acc module: accounting rows (acc, missed_calls) written in batches off the routing path, CDRs built
 * from them (cdrs, acc_cdrs) and rated with billing_rates. See entry.ts for the flag semantics,
 * writer.ts for the queue, cdr.ts for CDR generation, rating.ts for rating.
 */
export * from "./cdr.ts";
export * from "./engine.ts";
export * from "./entry.ts";
export * from "./rating.ts";
export * from "./rpc.ts";
export * from "./writer.ts";
