/**
 * Character classes of the RFC 3261 §25.1 grammar as lookup tables: one array index per
 * character instead of a regular expression per header on the hot path.
 */
function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN = table("-.!%*_+`'~", true);
/** unreserved / escaped ("%") / user-unreserved, the characters of a SIP URI user part. */
const USER = table("-_.!~*'()%&=+$,;?/", true);
/** unreserved / escaped / "&" / "=" / "+" / "$" / ",", the characters of a password. */
const PASSWORD = table("-_.!~*'()%&=+$,", true);
/** paramchar = param-unreserved / unreserved / escaped. */
const PARAM = table("[]/:&+$-_.!~*'()%", true);
/** hvalue / hname characters: hnv-unreserved / unreserved / escaped. */
const HEADER = table("[]/?:+$-_.!~*'()%", true);
/** hostname, IPv4 and (inside brackets) IPv6 characters. */
const HOST = table("-.", true);
const IPV6 = table(":.", false);
for (const c of "0123456789abcdefABCDEF") IPV6[c.charCodeAt(0)] = 1;

function all(t: Uint8Array, s: string, from = 0, to = s.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || t[c] === 0) return false;
  }
  return true;
}

export const isToken = (s: string, from?: number, to?: number): boolean => all(TOKEN, s, from, to);
export const isTokenChar = (c: number): boolean => c < 128 && TOKEN[c] === 1;
export const isUserChars = (s: string): boolean => all(USER, s);
export const isPasswordChars = (s: string): boolean => s === "" || all(PASSWORD, s);
export const isParamChars = (s: string): boolean => all(PARAM, s);
export const isHeaderChars = (s: string): boolean => s === "" || all(HEADER, s);
export const isHostnameChars = (s: string): boolean => all(HOST, s);
export const isIpv6Chars = (s: string, from: number, to: number): boolean => all(IPV6, s, from, to);

export const isDigits = (s: string): boolean => {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

/** SP or HTAB (the WSP of RFC 3261 §25.1; folding has already been turned into SP). */
export const isWs = (c: number): boolean => c === 32 || c === 9;

export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Trims SP/HTAB only (String.prototype.trim also removes other Unicode spaces). */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Decodes `%XX` escapes (RFC 3261 §19.1.2); a malformed escape is kept literally. */
export function unescapeUri(s: string): string {
  if (s.indexOf("%") < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // Escapes of bytes that are not UTF-8 (e.g. %00 is fine, %FF alone is not): decode per byte.
    return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}
