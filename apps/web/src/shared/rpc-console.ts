/**
 * What the RPC console lets each role send, and how typed parameters become RPC params.
 *
 * Viewers only call commands that read state: introspection, listings, dumps, statistics, lookups
 * and translations. Operators may also reload cached tables and set dispatcher states (what their
 * role does in the pages); admins may send anything. The procedure checks this, not only the page.
 */
import type { Role } from "./roles";

const READ_ONLY: RegExp[] = [
  /^system\./,
  /^core\./,
  /\.list$/,
  /\.dump$/,
  /\.stats$/,
  /^stats\.(get_statistics|fetch|fetchn)$/,
  /^ul\.lookup$/,
  /^dialplan\.translate$/,
  /^cfg\.(get|list|help)$/,
];

/** core commands that change the process, despite the core.* prefix (core.kill sends it a signal). */
const CORE_WRITES = new Set(["core.kill"]);

const OPERATOR: RegExp[] = [/\.reload$/, /^permissions\.(address|trusted)Reload$/, /^dispatcher\.set_state$/];

/** The least role that may send `method` from the RPC console. */
export function rpcMethodRole(method: string): Role {
  if (!CORE_WRITES.has(method) && READ_ONLY.some((re) => re.test(method))) return "viewer";
  if (OPERATOR.some((re) => re.test(method))) return "operator";
  return "admin";
}

/**
 * Parameters as typed: a JSON array (`[1, "sip:a@b"]`), or words separated by spaces like kamcmd:
 * whole numbers become integers, `s:` forces a string (`s:42`), quotes keep spaces ("a b").
 * Throws an Error with the reason when the text cannot be read.
 */
export function parseRpcParams(text: string): unknown[] {
  const t = text.trim();
  if (t === "") return [];
  if (t.startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new Error(`params are not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(v)) throw new Error("JSON params must be an array");
    return v;
  }
  const out: unknown[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, "$1"));
    else if (m[2] !== undefined) out.push(m[2]);
    else if (/^["']/.test(m[3])) throw new Error("a quote is not closed");
    else if (m[3].startsWith("s:")) out.push(m[3].slice(2));
    else out.push(/^-?\d{1,15}$/.test(m[3]) ? Number(m[3]) : m[3]);
  }
  return out;
}
