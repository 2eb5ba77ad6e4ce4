/**
 * rr: Record-Route insertion and loose routing (RFC 3261 §16.4, §16.6 steps 4-7, §16.12),
 * with Kamailio's function names. Pure functions over a SipRequest; "myself" is decided by the
 * caller (the core knows its sockets and aliases).
 */
import { type NameAddr, parseUri, type SipRequest, type Uri } from "@switchboard/sip";

export type IsMyself = (uri: Uri) => boolean;

/** Our Record-Route/Route URI: `sip:host:port;lr` (+ `;transport=tcp` for TCP, §16.6 step 4). */
export function rrUri(host: string, port: number, proto: string, params = ""): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `sip:${h}:${port};${proto === "tcp" ? "transport=tcp;" : ""}lr${params}`;
}

/** record_route(): adds our Record-Route on top (the request keeps it on every hop, §16.6 step 4). */
export function recordRoute(req: SipRequest, uri: string): void {
  req.prepend("record-route", `<${uri}>`);
}

/**
 * loose_route() (§16.4): fixes a request from a strict router (our URI in the R-URI: the
 * original R-URI is the last Route), then removes our own entries from the top of the route set.
 * Returns true when the request carried a route set (it is routed by it, not by the R-URI).
 */
export function looseRoute(req: SipRequest, isMyself: IsMyself): boolean {
  let routes = req.routes();
  if (routes.length === 0) return false;
  if (isMyself(req.ruri) && !req.ruri.lr) {
    const last = routes[routes.length - 1];
    req.ruri = last.uri.clone();
    removeLastRoute(req);
    routes = req.routes();
  }
  while (routes.length > 0 && isMyself(routes[0].uri)) {
    req.removeFirst("route");
    routes = req.routes();
  }
  return true;
}

function removeLastRoute(req: SipRequest): void {
  const all = req.getAll("route");
  req.remove("route");
  for (const v of all.slice(0, -1)) req.append("Route", v);
}

/** The parameters of our own topmost Route entry, for check_route_param("nat=yes"). */
export function ownRouteParams(req: SipRequest, isMyself: IsMyself): NameAddr | undefined {
  return req.routes().find((r) => isMyself(r.uri));
}

export interface NextHop {
  uri: Uri;
  /** true: send to a strict router (R-URI was rewritten). */
  strict: boolean;
}

/**
 * Where a request goes (§16.6 steps 6-7): the top Route when present (a strict router gets the
 * Route as R-URI and the old R-URI appended as the last Route), else the destination URI ($du)
 * when set, else the R-URI.
 */
export function nextHop(req: SipRequest, dstUri?: string | null): NextHop {
  const routes = req.routes();
  if (routes.length > 0) {
    const top = routes[0].uri;
    if (top.lr) return { uri: top, strict: false };
    req.removeFirst("route");
    req.append("Route", `<${req.uri}>`);
    req.ruri = top.clone();
    return { uri: top, strict: true };
  }
  if (dstUri) return { uri: parseUri(dstUri), strict: false };
  return { uri: req.ruri, strict: false };
}
