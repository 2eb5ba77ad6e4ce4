/**
 * Kamailio's `name=value;name=value` attribute strings (dispatcher `attrs`, `ds_ping_reply_codes`),
 * read like its parse_params(): names are trimmed, a value may be quoted, a bare name has value "".
 */
export function parseParamList(s: string): Array<[name: string, value: string]> {
  const out: Array<[string, string]> = [];
  for (const part of s.split(";")) {
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (name === "") continue;
    let value = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
      value = value.slice(1, -1);
    }
    out.push([name, value]);
  }
  return out;
}

/** C's str2sint on a whole value: an optional sign and digits, else undefined. */
export function strToInt(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s.trim()) ? Number.parseInt(s, 10) : undefined;
}
