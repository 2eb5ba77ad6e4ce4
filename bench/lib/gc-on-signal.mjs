// Preloaded into sipd by the benchmarks (node --expose-gc --import ./bench/lib/gc-on-signal.mjs):
// SIGUSR2 runs a full garbage collection, so heap and RSS readings hold live data, not garbage
// that happens not to be collected yet. Plain JS so it loads before tsx.
process.on("SIGUSR2", () => globalThis.gc?.());
