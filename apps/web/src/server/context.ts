/**
 * The tRPC context: database, configuration, the caller's session and what the request says about
 * its origin. Built from a fetch Request by the route handler, or directly by tests.
 */
import type { Config } from "@switchboard/config";
import type { Db } from "@switchboard/db";
import { LoginThrottle } from "./auth/rate-limit";
import { loadSession, readCookie, SESSION_COOKIE, type Session } from "./auth/session";
import type { NodeCaller } from "./nodes/caller";

export interface RequestMeta {
  ip: string;
  userAgent: string;
  /** x-csrf-token header sent with the request. */
  csrfToken: string | null;
  /** Sec-Fetch-Site / Origin say the request comes from a page of this console. */
  sameOrigin: boolean;
  /** The request reached us over https (directly or through a proxy that says so). */
  secure: boolean;
}

export interface Context {
  db: Db;
  config: Config;
  session: Session | null;
  /** Set when the session could not be looked up because the database failed. */
  sessionError: string | null;
  req: RequestMeta;
  /** Response headers (Set-Cookie); null where there is no HTTP response (tests). */
  resHeaders: Headers | null;
  loginThrottle: LoginThrottle;
  callNode: NodeCaller;
}

/** Login attempts: 20 a minute per client address, 200 in all, on top of the per-account lockout. */
export const defaultLoginThrottle = new LoginThrottle({ perClient: 20, overall: 200, windowMs: 60_000 });

/**
 * Same-origin check for state-changing requests. Browsers send Sec-Fetch-Site on every fetch; older
 * ones at least send Origin on a POST, which must match the Host the request was sent to.
 */
export function isSameOrigin(headers: Headers, requestUrl: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = headers.get("origin");
  if (!origin) return false;
  try {
    const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(requestUrl).host;
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function requestMeta(req: Request): RequestMeta {
  const h = req.headers;
  const forwardedProto = h.get("x-forwarded-proto");
  return {
    ip: h.get("x-forwarded-for")?.split(",")[0].trim() || h.get("x-real-ip") || "local",
    userAgent: h.get("user-agent") ?? "",
    csrfToken: h.get("x-csrf-token"),
    sameOrigin: isSameOrigin(h, req.url),
    secure: forwardedProto ? forwardedProto === "https" : new URL(req.url).protocol === "https:",
  };
}

export async function createContextFromRequest(
  req: Request,
  resHeaders: Headers,
  deps: { db: Db; config: Config; callNode: NodeCaller },
): Promise<Context> {
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  let session: Session | null = null;
  let sessionError: string | null = null;
  try {
    session = await loadSession(deps.db, token);
  } catch (e) {
    sessionError = (e as Error).message;
  }
  return {
    ...deps,
    session,
    sessionError,
    req: requestMeta(req),
    resHeaders,
    loginThrottle: defaultLoginThrottle,
  };
}
