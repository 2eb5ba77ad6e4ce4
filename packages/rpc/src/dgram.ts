/**
 * JSON-RPC over UDP, like Kamailio's jsonrpcs datagram transport (which kamcli and Siremis can use): one request
 * per datagram, the answer goes back to the sender's address and port. There are no headers, so no token: only
 * the source allow-list protects it (default loopback); datagrams from other sources are dropped and logged.
 * An answer that does not fit in one datagram is replaced by fault 500 "Reply Too Large".
 */
import dgram from "node:dgram";
import { createCidrMatcher, LOOPBACK_CIDRS, normalizeIp } from "./cidr.ts";
import { encodeJsonRpcError, handleJsonRpc, parseJsonRpcRequest } from "./jsonrpc.ts";
import type { RpcRegistry } from "./registry.ts";
import { parseListenAddress, type RpcServerEvent } from "./server.ts";

export interface RpcDatagramOptions {
  registry: RpcRegistry;
  /** "host:port" or "[v6]:port" (port 0 picks one). */
  listen: string;
  allow?: readonly string[];
  timeoutMs?: number;
  log?: (event: RpcServerEvent) => void;
}

export interface RpcDatagramServer {
  socket: dgram.Socket;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP). */
export const MAX_DATAGRAM_BYTES = 65507;

export async function createRpcDatagramServer(opts: RpcDatagramOptions): Promise<RpcDatagramServer> {
  const { host, port } = parseListenAddress(opts.listen);
  const allowed = createCidrMatcher(opts.allow ?? LOOPBACK_CIDRS);
  const log = opts.log ?? (() => {});
  const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");

  socket.on("message", (msg, rinfo) => {
    const source = normalizeIp(rinfo.address);
    if (!allowed(source)) {
      log({ type: "denied", reason: "source", source, path: "udp" });
      return;
    }
    const text = msg.toString("utf8");
    handleJsonRpc(opts.registry, text, source, {
      timeoutMs: opts.timeoutMs,
      onError: (method, error) => log({ type: "error", source, method, error }),
      onCall: (method, code) => log({ type: "call", protocol: "jsonrpc", source, method, code }),
    })
      .then((out) => {
        if (out.body === undefined) return;
        let reply = Buffer.from(out.body);
        if (reply.length > MAX_DATAGRAM_BYTES) {
          const [first] = parseJsonRpcRequest(text).items;
          const id = first?.ok ? (first.request.id ?? null) : null;
          reply = Buffer.from(encodeJsonRpcError(id, 500, "Reply Too Large"));
        }
        socket.send(reply, rinfo.port, rinfo.address);
      })
      .catch((error) => log({ type: "error", source, error }));
  });

  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", (error) => log({ type: "error", source: "", error }));
  return {
    socket,
    host,
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
