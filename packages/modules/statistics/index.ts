/**
 * statistics module: the sampler that fills Siremis's `statistics` table for the console's charts.
 */
export * from "./sampler.ts";
