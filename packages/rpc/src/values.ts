/**
 * Value helpers shared by both codecs: structs with repeated member names, and Kamailio's date format.
 *
 * Kamailio sometimes emits the same member name more than once in one struct (permissions.trustedDump adds
 * "table" and "item" once per entry). A plain JSON.parse keeps only the last one; our parsers keep them all:
 * the property holds an array of every value in order, and the object remembers which keys were repeated
 * (see valuesOf), so an array value that was sent once is never confused with repeated scalars.
 */

const DUPLICATE_KEYS: unique symbol = Symbol("rpc.duplicateKeys");

type WithDuplicates = Record<string, unknown> & { [DUPLICATE_KEYS]?: Set<string> };

/** Adds a member to a parsed struct, keeping every value of a repeated name. Safe for "__proto__". */
export function addMember(target: Record<string, unknown>, key: string, value: unknown): void {
  const obj = target as WithDuplicates;
  if (!Object.hasOwn(obj, key)) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  let dups = obj[DUPLICATE_KEYS];
  if (!dups) {
    dups = new Set();
    Object.defineProperty(obj, DUPLICATE_KEYS, { value: dups, enumerable: false });
  }
  if (dups.has(key)) (obj[key] as unknown[]).push(value);
  else {
    dups.add(key);
    obj[key] = [obj[key], value];
  }
}

/** Every value sent under `key` in a parsed struct, in wire order ([] when absent). */
export function valuesOf(obj: unknown, key: string): unknown[] {
  if (obj === null || typeof obj !== "object" || !Object.hasOwn(obj, key)) return [];
  const value = (obj as Record<string, unknown>)[key];
  return (obj as WithDuplicates)[DUPLICATE_KEYS]?.has(key) ? (value as unknown[]) : [value];
}

/** Names that occurred more than once in a parsed struct. */
export function duplicateKeysOf(obj: unknown): string[] {
  if (obj === null || typeof obj !== "object") return [];
  return [...((obj as WithDuplicates)[DUPLICATE_KEYS] ?? [])];
}

/**
 * A struct result whose member names may repeat, for handlers that must answer exactly like Kamailio
 * (e.g. permissions.trustedDump). Both codecs emit the members in order, repeats included.
 */
export class RpcStruct {
  constructor(public readonly members: Array<[name: string, value: unknown]> = []) {}
  add(name: string, value: unknown): this {
    this.members.push([name, value]);
    return this;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Kamailio's time format for both wire formats: strftime "%Y%m%dT%H:%M:%S" of gmtime (jsonrpcs, xmlrpc). */
export function formatRpcDate(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

const isDigit = (c: string) => c >= "0" && c <= "9";

function readDigits(s: string, at: number, n: number): number {
  const part = s.slice(at, at + n);
  if (part.length !== n || ![...part].every(isDigit)) return Number.NaN;
  return Number(part);
}

/**
 * Parses an XML-RPC dateTime.iso8601: the basic form "20261122T13:29:26" (Kamailio, Python) or the extended
 * "2026-11-22T13:29:26", optional fraction, optional "Z" / "+hh:mm". Times without zone are UTC, as Kamailio
 * writes them from gmtime. Returns undefined when the text is not such a date.
 */
export function parseRpcDate(text: string): Date | undefined {
  const s = text.trim();
  let i = 0;
  const year = readDigits(s, i, 4);
  i += 4;
  if (s[i] === "-") i++;
  const month = readDigits(s, i, 2);
  i += 2;
  if (s[i] === "-") i++;
  const day = readDigits(s, i, 2);
  i += 2;
  if (s[i] !== "T") return undefined;
  i++;
  const hour = readDigits(s, i, 2);
  i += 2;
  if (s[i] === ":") i++;
  const minute = readDigits(s, i, 2);
  i += 2;
  if (s[i] === ":") i++;
  const second = readDigits(s, i, 2);
  i += 2;
  let ms = 0;
  if (s[i] === "." || s[i] === ",") {
    const start = ++i;
    while (i < s.length && isDigit(s[i])) i++;
    if (i === start) return undefined;
    ms = Math.round(Number(`0.${s.slice(start, i)}`) * 1000);
  }
  let offsetMin = 0;
  if (s[i] === "Z") i++;
  else if (s[i] === "+" || s[i] === "-") {
    const sign = s[i] === "-" ? -1 : 1;
    i++;
    const oh = readDigits(s, i, 2);
    i += 2;
    if (s[i] === ":") i++;
    const om = readDigits(s, i, 2);
    i += 2;
    offsetMin = sign * (oh * 60 + om);
  }
  const fields = [year, month, day, hour, minute, second, offsetMin];
  if (i !== s.length || fields.some(Number.isNaN) || month < 1 || month > 12 || day < 1 || day > 31)
    return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000);
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
