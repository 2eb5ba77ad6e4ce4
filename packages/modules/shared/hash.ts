/**
 * Kamailio's string hash (`core_hash()` in core/hashes.h, the same sum as the dispatcher's
 * `ds_get_hash()`): 4-byte big-endian words folded with `v ^ (v >> 3)`, the tail bytes as one
 * word, then a final mix. Bytes are C `char`, i.e. signed on x86, so bytes >= 0x80 count as negative;
 * reproducing that keeps our slots and dispatcher choices equal to Kamailio's for the same input.
 */

const encoder = new TextEncoder();

function fold(h: number, s: string | Uint8Array): number {
  const b = typeof s === "string" ? encoder.encode(s) : s;
  const n = b.length;
  const c = (i: number) => (b[i] << 24) >> 24; // signed char
  let p = 0;
  let v: number;
  for (; p + 4 <= n; p += 4) {
    v = ((c(p) << 24) + (c(p + 1) << 16) + (c(p + 2) << 8) + c(p + 3)) >>> 0;
    h = (h + (v ^ (v >>> 3))) >>> 0;
  }
  v = 0;
  for (; p < n; p++) v = ((v << 8) + c(p)) >>> 0;
  return (h + (v ^ (v >>> 3))) >>> 0;
}

function finish(h: number): number {
  return (h + (h >>> 11) + ((h >>> 13) + (h >>> 23))) >>> 0;
}

/** `core_hash(s1, s2, 0)`: the raw 32-bit hash of s1 followed by s2 (strings hash as UTF-8). */
export function coreHash(s1: string | Uint8Array, s2?: string | Uint8Array): number {
  let h = fold(0, s1);
  if (s2 !== undefined) h = fold(h, s2);
  return finish(h);
}

/** `core_hash(s, NULL, size)`: the slot of s in a table of `size` (a power of two) buckets. */
export function coreHashSlot(s: string | Uint8Array, size: number): number {
  return coreHash(s) & (size - 1);
}

/** Dispatcher's `ds_get_hash(x, y)`: like core_hash but never 0 (0 means "no hash" there). */
export function dsHash(x: string, y?: string): number {
  return coreHash(x, y) || 1;
}
