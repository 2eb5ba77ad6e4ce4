/**
 * Identifiers that must be unique across space and time (RFC 3261 §8.1.1.4, §8.1.1.7, §19.3):
 * a per-process random prefix plus a counter, which is as unique as fresh random bytes per id
 * but costs no crypto call on the hot path.
 */
import { randomBytes } from "node:crypto";

/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie. */
export const MAGIC_COOKIE = "z9hG4bK";

const prefix = randomBytes(6).toString("hex");
let counter = 0;

function next(): string {
  counter = (counter + 1) % 0x7fffffff;
  return `${prefix}${counter.toString(36)}`;
}

export function generateBranch(): string {
  return `${MAGIC_COOKIE}${next()}`;
}

export function generateTag(): string {
  return next();
}

/** A Call-ID: random word, optionally "@host" (§8.1.1.4). */
export function generateCallId(host?: string): string {
  const word = `${randomBytes(8).toString("hex")}${next()}`;
  return host ? `${word}@${host}` : word;
}

/**
 * True for branches of RFC 3261 elements (§17.2.3), false for RFC 2543 ones and for a bare
 * magic cookie, which identifies nothing (RFC 4475 §3.2.1).
 */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
}
