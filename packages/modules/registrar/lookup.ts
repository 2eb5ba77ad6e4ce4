/**
 * lookup("location") (Kamailio registrar lookup.c): the bindings of the Request-URI's AoR turned into the
 * targets the proxy forks to. The first target replaces the Request-URI, the others become branches
 * (append_branches), all in binding order: q descending, most recent first.
 */
import { isValidContact, type UContact } from "../usrloc/index.ts";
import { methodAllowed } from "./methods.ts";

/** One target of a location lookup: what Kamailio puts in the R-URI/branch, $du, path vector and flags. */
export interface LocationBranch {
  /** The registered Contact URI: the new Request-URI of this branch. */
  uri: string;
  /**
   * Where to send it ($du): the first Path URI when the binding has a Path (the edge proxy handles NAT),
   * else the received address of a NATed UA, else "" (resolve `uri`).
   */
  dstUri: string;
  /** The Path vector, to be added as Route header(s) (RFC 3327 §5.3); "" when none. */
  path: string;
  q: number;
  /** Branch flags saved with the binding (e.g. the NAT flag set at registration). */
  flags: number;
  /** Local socket the binding was registered through ("proto:ip:port"), "" when unknown. */
  socket: string;
  received: string;
  instance: string;
  regId: number;
  ruid: string;
  userAgent: string;
  /** TCP connection the binding was learnt on; -1 for UDP. */
  connectionId: number;
}

export interface LookupResult {
  /** 1 found; -1 no AoR or no valid binding; -2 bindings exist but none accepts the method; -3 error. */
  code: 1 | -1 | -2 | -3;
  branches: LocationBranch[];
}

/** The first URI of a Path vector "<sip:a;lr>,<sip:b;lr>". */
export function firstPathUri(path: string): string {
  const lt = path.indexOf("<");
  if (lt >= 0) {
    const gt = path.indexOf(">", lt);
    if (gt > lt) return path.slice(lt + 1, gt);
  }
  return path.split(",")[0].trim();
}

export function toBranch(c: UContact): LocationBranch {
  return {
    uri: c.contact,
    dstUri: c.path ? firstPathUri(c.path) : c.received,
    path: c.path,
    q: c.q,
    flags: c.cflags,
    socket: c.socket,
    received: c.received,
    instance: c.instance,
    regId: c.regId,
    ruid: c.ruid,
    userAgent: c.userAgent,
    connectionId: c.connectionId,
  };
}

/** Picks the targets among an AoR's bindings (already in binding order). */
export function selectBranches(
  bindings: readonly UContact[],
  method: string,
  nowSec: number,
  opts: { methodFiltering: boolean; appendBranches: boolean },
): LookupResult {
  const branches: LocationBranch[] = [];
  let filtered = false;
  for (const c of bindings) {
    if (!isValidContact(c, nowSec)) continue;
    if (opts.methodFiltering && !methodAllowed(c.methods, method)) {
      filtered = true;
      continue;
    }
    branches.push(toBranch(c));
    if (!opts.appendBranches) break;
  }
  if (branches.length) return { code: 1, branches };
  return { code: filtered ? -2 : -1, branches };
}
