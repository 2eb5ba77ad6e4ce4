/**
 * mulberry32: a small, fast, deterministic PRNG. Generated data (the seed's week of traffic, bench
 * data sets) comes out the same on every run, and a fuzz failure replays with the same inputs.
 * (packages/sip keeps its own copy: it imports nothing from the other workspaces.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
