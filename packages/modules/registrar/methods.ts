/**
 * SIP method bitmask as Kamailio keeps it per binding (parse_methods.h): a Contact's `methods` param or the
 * REGISTER's Allow header, ALL_METHODS when neither is given. lookup() with method_filtering only uses
 * bindings whose mask includes the request's method.
 */
const BITS: Record<string, number> = {
  INVITE: 1,
  CANCEL: 2,
  ACK: 4,
  BYE: 8,
  INFO: 16,
  REGISTER: 32,
  SUBSCRIBE: 64,
  NOTIFY: 128,
  MESSAGE: 256,
  OPTIONS: 512,
  PRACK: 1024,
  UPDATE: 2048,
  REFER: 4096,
  PUBLISH: 8192,
  KDMQ: 16384,
  GET: 32768,
  POST: 65536,
  PUT: 131072,
  DELETE: 262144,
};
/** Any method without a bit of its own (Kamailio METHOD_OTHER). */
const METHOD_OTHER = 524288;

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** The bit of one method name; method names are case-sensitive (RFC 3261 §7.1). */
export function methodBit(method: string): number {
  return BITS[method] ?? METHOD_OTHER;
}

/**
 * Mask of a comma-separated method list ("INVITE, BYE" or several Allow values). Returns undefined when an
 * element is not a token (the registrar then answers 400 "Message parse error").
 */
export function parseMethods(values: readonly string[]): number | undefined {
  let mask = 0;
  for (const value of values) {
    for (const raw of value.split(",")) {
      const m = raw.trim();
      if (m === "") continue;
      if (!TOKEN.test(m)) return undefined;
      mask |= methodBit(m);
    }
  }
  return mask >>> 0;
}

/** Kamailio allowed_method(): true when the binding accepts the request's method. */
export function methodAllowed(mask: number, method: string): boolean {
  return (mask & methodBit(method)) !== 0;
}
