/**
 * HTTP adapter: serves one RpcRegistry as JSON-RPC 2.0 and XML-RPC on POST /RPC, /RPC2 and /.
 *
 * Wire format: Content-Type (…json → JSON-RPC, …xml → XML-RPC), otherwise the first non-space byte of the
 * body ("<" → XML-RPC, anything else → JSON-RPC), since curl's --data sends form-urlencoded.
 *
 * Access policy, applied to every request (the RPC paths and extraRoutes alike), in this order:
 *   1. source address not in `allow` (CIDRs, default loopback) → 403, logged ({type:"denied",reason:"source"});
 *   2. `token` set and the request carries neither "Authorization: Bearer <token>" nor Basic credentials whose
 *      password is the token (any user name) → 403, logged ({type:"denied",reason:"token"}). Missing and wrong
 *      credentials both get 403 and no WWW-Authenticate challenge: RPC clients (curl -u, Python's
 *      ServerProxy("http://user:token@host/RPC2"), the xmlrpc npm client) send credentials up front.
 * Errors, in the request's wire format (JSON-RPC error object / XML-RPC <fault>):
 *   body larger than maxBodyBytes → HTTP 413, fault 413 "Request Entity Too Large";
 *   unknown method → fault 500 "Method Not Found" (JSON-RPC: HTTP 500, as Kamailio's jsonrpcs);
 *   handler throws RpcError(code, msg) → fault code/msg (JSON-RPC: HTTP status = code when 200..599, else 500);
 *   handler throws anything else → 500 "Internal Server Error" (details only in the log);
 *   handler runs longer than timeoutMs → 504 "Execution Timeout";
 *   XML-RPC faults travel with HTTP 200 like Kamailio's xmlrpc module, except 403 and 413.
 * Other paths → 404, other HTTP methods on the RPC paths → 405.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { createCidrMatcher, LOOPBACK_CIDRS, normalizeIp } from "./cidr.ts";
import { FAULTS } from "./dispatch.ts";
import { encodeJsonRpcError, handleJsonRpc } from "./jsonrpc.ts";
import type { RpcRegistry } from "./registry.ts";
import { handleXmlRpc, serializeXmlRpcFault } from "./xmlrpc.ts";

export type RpcProtocol = "jsonrpc" | "xmlrpc";

export type RpcServerEvent =
  | { type: "listening"; url: string }
  | { type: "denied"; reason: "source" | "token"; source: string; path: string }
  | {
      type: "rejected";
      reason: "too-large" | "not-found" | "bad-method";
      source: string;
      path: string;
      status: number;
    }
  | { type: "call"; protocol: RpcProtocol; source: string; method: string; code?: number }
  | { type: "error"; source: string; method?: string; error: unknown };

export interface RpcServerOptions {
  registry: RpcRegistry;
  /** "host:port" or "[v6]:port"; port 0 picks a free port. Default "127.0.0.1:5071". */
  listen?: string;
  /** Source CIDRs allowed to connect (IPv4/IPv6). Default loopback only. */
  allow?: readonly string[];
  /** When set, every request must carry it (Bearer, or Basic password). */
  token?: string;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Handler time limit, default 10 s. */
  timeoutMs?: number;
  log?: (event: RpcServerEvent) => void;
  /** Extra routes (e.g. sipd's GET /health, /metrics), tried after the access policy; return true when handled. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;
}

export interface RpcServer {
  server: http.Server;
  host: string;
  port: number;
  /** http://host:port/RPC */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_RPC_LISTEN = "127.0.0.1:5071";
export const RPC_PATHS: readonly string[] = ["/RPC", "/RPC2", "/"];
const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Splits "127.0.0.1:5071" / "[::1]:5071" / "localhost:0". */
export function parseListenAddress(spec: string): { host: string; port: number } {
  const colon = spec.lastIndexOf(":");
  let host = spec.slice(0, colon);
  const portText = spec.slice(colon + 1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const port = Number(portText);
  if (colon <= 0 || !host || !/^\d+$/.test(portText) || port > 65535)
    throw new Error(`invalid listen address ${JSON.stringify(spec)}: expected host:port or [v6]:port`);
  return { host, port };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time check of an Authorization header against the token (Bearer, or Basic with it as password). */
export function authorizationMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const sp = header.indexOf(" ");
  if (sp < 0) return false;
  const scheme = header.slice(0, sp).toLowerCase();
  const value = header.slice(sp + 1).trim();
  let presented: string;
  if (scheme === "bearer") presented = value;
  else if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    presented = decoded.slice(colon + 1);
  } else return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** JSON-RPC or XML-RPC, from the Content-Type, else from the first non-space byte of the body. */
export function detectProtocol(contentType: string | undefined, body?: Uint8Array): RpcProtocol {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("json")) return "jsonrpc";
  if (ct.includes("xml")) return "xmlrpc";
  for (const b of body ?? []) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf)
      continue; // incl. UTF-8 BOM
    return b === 0x3c ? "xmlrpc" : "jsonrpc";
  }
  return "jsonrpc";
}

function faultBody(protocol: RpcProtocol, code: number, message: string): { type: string; body: string } {
  return protocol === "xmlrpc"
    ? { type: "text/xml; charset=utf-8", body: serializeXmlRpcFault(code, message) }
    : { type: "application/json", body: encodeJsonRpcError(null, code, message) };
}

function send(res: http.ServerResponse, status: number, type: string, body: string, close = false): void {
  const headers: http.OutgoingHttpHeaders = {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
  };
  if (close) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(body);
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; head: Buffer };

/**
 * Reads the body up to `max` bytes. Past the limit it keeps reading and discarding (up to `drainCap` bytes) so that
 * the 413 answer reaches a client that is still sending, then resolves; a client sending even more is cut off.
 */
function readBody(req: http.IncomingMessage, max: number, drainCap: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let head: Buffer | undefined;
    const overflow = () => {
      head = Buffer.concat(chunks).subarray(0, 64);
      chunks.length = 0;
    };
    if (Number.isFinite(declared) && declared > max) {
      head = Buffer.alloc(0);
      if (declared > drainCap) {
        req.pause();
        resolve({ ok: false, head });
        return;
      }
    }
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (head) {
        if (head.length === 0) head = chunk.subarray(0, 64);
        if (size > drainCap) {
          req.pause();
          resolve({ ok: false, head });
        }
        return;
      }
      chunks.push(chunk);
      if (size > max) overflow();
    });
    req.on("end", () => resolve(head ? { ok: false, head } : { ok: true, body: Buffer.concat(chunks) }));
    req.on("error", reject);
  });
}

/** The request listener, for embedding in another http.Server; createRpcServer wraps it. */
export function createRpcHandler(
  opts: Omit<RpcServerOptions, "listen">,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const allowed = createCidrMatcher(opts.allow ?? LOOPBACK_CIDRS);
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const drainCap = Math.max(max * 4, DEFAULT_MAX_BODY);
  const log = opts.log ?? (() => {});
  const dispatchOpts = (source: string, protocol: RpcProtocol) => ({
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onError: (method: string, error: unknown) => log({ type: "error", source, method, error }),
    onCall: (method: string, code?: number) => log({ type: "call", protocol, source, method, code }),
  });

  /** Answers before (or without) reading the body: drains it first so the client gets to read the answer. */
  const refuse = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    message: string,
  ) => {
    const read = await readBody(req, 0, drainCap).catch(() => undefined);
    const protocol = detectProtocol(req.headers["content-type"], read && !read.ok ? read.head : undefined);
    const { type, body } = faultBody(protocol, status, message);
    send(res, status, type, body, true);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const source = normalizeIp(req.socket.remoteAddress ?? "");
    const path = (req.url ?? "/").split("?")[0];
    if (!allowed(source)) {
      log({ type: "denied", reason: "source", source, path });
      return refuse(req, res, FAULTS.forbidden.code, FAULTS.forbidden.message);
    }
    if (opts.token !== undefined && !authorizationMatches(req.headers.authorization, opts.token)) {
      log({ type: "denied", reason: "token", source, path });
      return refuse(req, res, FAULTS.forbidden.code, FAULTS.forbidden.message);
    }
    if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
    if (!RPC_PATHS.includes(path)) {
      log({ type: "rejected", reason: "not-found", source, path, status: 404 });
      req.resume();
      return send(res, 404, "text/plain", `Wrong URL ${path}\n`);
    }
    if (req.method !== "POST") {
      log({ type: "rejected", reason: "bad-method", source, path, status: 405 });
      req.resume();
      res.setHeader("Allow", "POST");
      return send(res, 405, "text/plain", "Method Not Allowed: use POST\n");
    }
    const read = await readBody(req, max, drainCap);
    if (!read.ok) {
      log({ type: "rejected", reason: "too-large", source, path, status: 413 });
      const { type, body } = faultBody(
        detectProtocol(req.headers["content-type"], read.head),
        413,
        FAULTS.tooLarge.message,
      );
      return send(res, 413, type, body, true);
    }
    const protocol = detectProtocol(req.headers["content-type"], read.body);
    const text = read.body.toString("utf8");
    if (protocol === "xmlrpc") {
      const out = await handleXmlRpc(opts.registry, text, source, dispatchOpts(source, protocol));
      return send(res, out.status, "text/xml; charset=utf-8", out.body);
    }
    const out = await handleJsonRpc(opts.registry, text, source, dispatchOpts(source, protocol));
    if (out.body === undefined) {
      res.writeHead(out.status);
      return res.end();
    }
    send(res, out.status, "application/json", out.body);
  };

  return (req, res) => {
    handle(req, res).catch((error) => {
      log({ type: "error", source: normalizeIp(req.socket.remoteAddress ?? ""), error });
      if (!res.headersSent) send(res, 500, "text/plain", "Internal Server Error\n", true);
      else res.destroy();
    });
  };
}

/** Starts the HTTP RPC listener; resolves once it is bound. */
export async function createRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const { host, port } = parseListenAddress(opts.listen ?? DEFAULT_RPC_LISTEN);
  const server = http.createServer(createRpcHandler(opts));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as { port: number };
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound.port}/RPC`;
  opts.log?.({ type: "listening", url });
  return {
    server,
    host,
    port: bound.port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
