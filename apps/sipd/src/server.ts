/**
 * sipd: the SIP server process assembled from packages/sip (transport + transactions),
 * packages/modules (tm, registrar, auth, dispatcher, ...), the routing script and the RPC listener.
 * It knows the sockets and aliases ("myself"), counts Kamailio's core statistics and turns
 * transaction events into accounting records.
 */
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { Config } from "@switchboard/config";
import type { Db } from "@switchboard/db";
import type { AccValues } from "@switchboard/modules/acc";
import { StatisticsSampler } from "@switchboard/modules/statistics";
import { type Cell, type NetTarget, resolveUri, Tm } from "@switchboard/modules/tm";
import {
  createRpcDatagramServer,
  createRpcServer,
  type RpcDatagramServer,
  RpcRegistry,
  type RpcServer,
  registerSystemMethods,
} from "@switchboard/rpc";
import {
  type AnySipMessage,
  generateBranch,
  generateCallId,
  generateTag,
  type ListeningSocket,
  parseUri,
  type ServerTransaction,
  SipRequest,
  type SipResponse,
  TransactionLayer,
  TransportLayer,
  type Uri,
} from "@switchboard/sip";
import { healthRoutes } from "./health.ts";
import { KAMAILIO_DEBUG_LEVELS, type Logger } from "./log.ts";
import {
  createModules,
  type ModuleOptions,
  type Modules,
  registerModuleRpc,
  registerModuleStats,
  startModules,
  stopModules,
} from "./modules.ts";
import { registerCoreRpc } from "./rpc-core.ts";
import { KsrContext } from "./script/context.ts";
import { createDefaultScript } from "./script/default.ts";
import type { RoutingScript } from "./script/ksr.ts";
import { StatsRegistry } from "./stats.ts";

const METHODS = [
  "invite",
  "cancel",
  "ack",
  "bye",
  "register",
  "options",
  "info",
  "message",
  "notify",
  "prack",
  "publish",
  "refer",
  "subscribe",
  "update",
];
const REPLY_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "6xx"];
const SL_CODES = [200, 202, 300, 301, 302, 400, 401, 403, 404, 407, 408, 483, 500];

export interface SipdOptions {
  config: Config;
  db?: Db;
  log: Logger;
  script?: RoutingScript;
  modules?: ModuleOptions;
  /** Health check of the database (GET /health). */
  dbPing?: () => Promise<boolean>;
}

/** What the routing-script context needs from the server. */
export interface SipdCore {
  readonly log: Logger;
  readonly tm: Tm;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly modules: Modules;
  readonly cellContexts: WeakMap<Cell, KsrContext>;
  isMyself(uri: Uri): boolean;
  advertisedFor(localSocket?: string): { host: string; port: number; proto: string } | undefined;
  countSlReply(code: number): void;
}

export class Sipd implements SipdCore {
  readonly config: Config;
  readonly log: Logger;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly tm: Tm;
  readonly stats = new StatsRegistry();
  readonly registry = new RpcRegistry();
  readonly cellContexts = new WeakMap<Cell, KsrContext>();
  modules!: Modules;
  rpc?: RpcServer;
  rpcDgram?: RpcDatagramServer;
  private script: RoutingScript;
  private readonly myHosts = new Set<string>();
  private readonly methodCounters: Record<string, number> = {};
  private readonly slCounters: Record<string, number> = {};
  private readonly startedAt = new Date();
  private inflight = 0;
  private stopping = false;

  constructor(private readonly opts: SipdOptions) {
    const { config } = opts;
    this.config = config;
    this.log = opts.log;
    this.script = opts.script ?? createDefaultScript(config.features);
    this.transport = new TransportLayer({ maxMessageSize: config.sip.maxMessageSize });
    // A peer that closed its TCP side before our reply is routine (the transaction reports it); not a warning.
    this.transport.onError = (err) => {
      const code = (err as { code?: string }).code;
      const routine = code === "EPIPE" || code === "ECONNRESET" || code === "ERR_STREAM_WRITE_AFTER_END";
      this.log.log(routine ? "debug" : "warn", "transport error", { error: String(err) });
    };
    this.transactions = new TransactionLayer(this.transport, {
      T1: config.tm.t1,
      T2: config.tm.t2,
      T4: config.tm.t4,
      inviteTrying: "never",
    });
    const layerReceive = this.transport.onMessage;
    this.transport.onMessage = (m) => {
      this.countReceived(m);
      layerReceive(m);
    };
    this.transactions.onRequest = (req, tx) => this.onRequest(req, tx);
    this.transactions.onStrayResponse = (res) =>
      void this.tm
        .forwardStrayResponse(res, (host, port) => this.isOwnAddress(host, port))
        .then((ok) => {
          if (ok) this.transport.counters.fwd_replies++;
          else this.transport.counters.drop_replies++;
        });
    this.tm = new Tm(
      {
        transactions: this.transactions,
        transport: this.transport,
        socketFor: (t) => this.socketFor(t),
      },
      {
        branch: (cell) => {
          const ctx = this.cellContexts.get(cell);
          if (ctx && cell.onBranch) this.script.branch_route?.[cell.onBranch]?.(ctx);
        },
        reply: (cell, res) => {
          const ctx = this.cellContexts.get(cell);
          if (ctx && cell.onReply)
            this.script.reply_route?.[cell.onReply]?.(ctx, { reply: res, status: res.status });
        },
        failure: async (cell, route, best) => {
          const ctx = this.cellContexts.get(cell);
          const fn = this.script.failure_route?.[route];
          if (!ctx || !fn) return;
          ctx.failureStatus = best.status;
          await fn(ctx, { reply: best.response ?? null, status: best.status });
        },
        completed: (cell, status, reason, response) => {
          this.account(cell, status, reason, response);
          // Once the final reply went upstream and no branch is pending, no route runs for this
          // cell again: free the request's script context now, not when the transaction ends
          // (an answered INVITE stays 32 s, Timer L).
          if (cell.branches.every((b) => b.status !== 0)) this.cellContexts.delete(cell);
        },
      },
      { fr_timer: config.tm.frTimer, fr_inv_timer: config.tm.frInvTimer },
    );
  }

  async start(): Promise<void> {
    const { config, log } = this;
    this.modules = await createModules(config, this.opts.db, log, this.opts.modules);
    for (const spec of config.sip.listen) {
      const s = await this.transport.listen(spec);
      log.info("listening", { socket: s.name });
    }
    for (const a of [config.sip.domain, ...config.sip.aliases, config.sip.advertise])
      if (a) this.myHosts.add(a.toLowerCase());
    await startModules(this.modules, log);
    this.modules.db?.dispatcher.startProbing((uri, o) => this.ping(uri, o.from, o.method));
    this.modules.cfg.onChange("core.debug", () => {
      const lvl = Number(this.modules.cfg.get("core", "debug"));
      this.log.level = KAMAILIO_DEBUG_LEVELS[lvl] ?? "info";
    });
    this.registerStats();
    if (this.opts.db) {
      this.modules.sampler = new StatisticsSampler({
        db: this.opts.db,
        readCounters: () => ({
          rcv_requests: this.transport.counters.rcv_requests,
          fwd_requests: this.transport.counters.fwd_requests,
          "2xx_transactions": this.tm.counters["2xx_transactions"],
          location_users: this.stats.value("usrloc:location_users"),
          location_contacts: this.stats.value("usrloc:location_contacts"),
          inuse_transactions: this.tm.inUse,
        }),
      });
      this.modules.sampler.start();
    }
    this.registerRpc();
    this.rpc = await createRpcServer({
      registry: this.registry,
      listen: config.rpc.listen,
      allow: config.rpc.allow,
      token: config.rpc.token || undefined,
      maxBodyBytes: config.rpc.maxBodyBytes,
      timeoutMs: config.rpc.timeoutMs,
      log: (ev) => {
        if (ev.type === "denied")
          log.warn("rpc denied", { reason: ev.reason, source: ev.source, path: ev.path });
        else if (ev.type === "call") log.debug("rpc call", { method: ev.method, source: ev.source });
        else if (ev.type === "error") log.error("rpc error", { method: ev.method, error: String(ev.error) });
      },
      extraRoutes: healthRoutes({
        stats: this.stats,
        sockets: () => this.transport.sockets.map((s) => s.name),
        dbPing: this.opts.dbPing,
      }),
    });
    log.info("rpc listening", { url: this.rpc.url });
    if (config.rpc.dgramListen) {
      this.rpcDgram = await createRpcDatagramServer({
        registry: this.registry,
        listen: config.rpc.dgramListen,
        allow: config.rpc.allow,
        timeoutMs: config.rpc.timeoutMs,
      });
      log.info("rpc datagram listening", { address: `${this.rpcDgram.host}:${this.rpcDgram.port}` });
    }
  }

  /**
   * Graceful stop: no new requests, wait (up to drainMs) for the routing scripts running and the
   * transactions without a final reply, flush contacts and acc.
   */
  async stop(drainMs = 5000): Promise<void> {
    this.stopping = true;
    const until = Date.now() + drainMs;
    while ((this.tm.pending > 0 || this.inflight > 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    await this.rpc?.close();
    await this.rpcDgram?.close();
    await stopModules(this.modules);
    this.transactions.close();
    await this.transport.close();
  }

  // ---- request path ------------------------------------------------------------------------------

  private onRequest(req: SipRequest, tx: ServerTransaction | undefined): void {
    if (this.stopping) {
      tx?.reply(503, "Service Unavailable", { headers: [["Retry-After", "5"]] });
      tx?.terminate();
      return;
    }
    this.inflight++;
    const ctx = new KsrContext(this, req, tx);
    this.script
      .request_route(ctx)
      .catch((err: unknown) => {
        this.log.error("routing script error", {
          callid: req.callId,
          method: req.method,
          error: String(err),
        });
        if (tx && !tx.lastResponse) tx.reply(500, "Server Internal Error");
      })
      .finally(() => {
        this.inflight--;
        // A request the script dropped or answered statelessly keeps no transaction (Kamailio
        // creates one only in t_newtran/t_relay; a relayed CANCEL, answered 200, is stateful there
        // too): its retransmissions are routed again.
        if (tx && !ctx.cell && req.method !== "CANCEL") tx.terminate();
      });
  }

  private countReceived(m: AnySipMessage): void {
    if (m.isRequest) {
      const k = `rcv_requests_${m.method.toLowerCase()}`;
      if (k in this.methodCounters) this.methodCounters[k]++;
      return;
    }
    const cls = `rcv_replies_${Math.floor(m.status / 100)}xx`;
    if (cls in this.methodCounters) this.methodCounters[cls]++;
    const code = `rcv_replies_${m.status}`;
    if (code in this.methodCounters) this.methodCounters[code]++;
  }

  countSlReply(code: number): void {
    const k = `${code}_replies`;
    if (k in this.slCounters) this.slCounters[k]++;
    const cls = `${Math.floor(code / 100)}xx_replies`;
    if (cls in this.slCounters) this.slCounters[cls]++;
    this.slCounters.sent_replies++;
    if (code >= 300) this.slCounters.sent_err_replies++;
  }

  /** Accounting on the final reply of a transaction (acc module, FLT_ACC* flags of the cell). */
  private account(cell: Cell, status: number, reason: string, response?: SipResponse): void {
    const acc = this.modules.db?.acc;
    if (!acc || !cell.flags) return;
    const req = cell.request;
    const values: AccValues = {
      method: req.method,
      fromTag: req.fromTag ?? "",
      toTag: req.toTag ?? response?.toTag ?? cell.server.toTag,
      callid: req.callId,
      code: status,
      reason,
      srcUser: req.from.uri.user ?? "",
      srcDomain: req.from.uri.host,
      srcIp: req.source?.ip ?? "",
      // kamailio.cfg's db_extra: dst_ouser=$tU (what was dialled, before aliases or speed dials).
      dstOuser: req.to.uri.user ?? "",
      dstUser: req.ruri.user ?? "",
      dstDomain: req.ruri.host,
    };
    acc.account(cell.flags, values);
  }

  // ---- addresses -----------------------------------------------------------------------------------

  /** uri == myself: a local socket address (with its port, when the URI names one) or an alias/domain. */
  isMyself(uri: Uri): boolean {
    const host = uri.hostAddress.toLowerCase();
    if (this.myHosts.has(host)) return true;
    if (this.config.features.withMultiDomain && this.modules.db?.domain.isDomainLocal(host)) return true;
    return this.isOwnAddress(host, uri.port);
  }

  private isOwnAddress(host: string, port: number | null): boolean {
    const h = host.replace(/^\[|\]$/g, "").toLowerCase();
    if (this.myHosts.has(h)) return true;
    for (const s of this.transport.sockets) {
      const adv = this.advertise(s);
      const sameHost = s.host === h || adv.host === h || (isWildcard(s.host) && localAddresses().has(h));
      if (sameHost && (port === null || port === s.port || port === adv.port)) return true;
    }
    return false;
  }

  /** The host:port written into Via/Record-Route for a socket: `sip.advertise`, else the bound address. */
  private advertise(s: ListeningSocket): { host: string; port: number } {
    const a = this.config.sip.advertise;
    if (a) {
      const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(a);
      if (m) return { host: m[1] ?? m[2], port: m[3] ? Number(m[3]) : s.port };
    }
    // A wildcard socket cannot be advertised: use this host's first external address.
    if (isWildcard(s.host)) return { host: primaryAddress(s.family), port: s.port };
    return { host: s.host, port: s.port };
  }

  advertisedFor(localSocket?: string): { host: string; port: number; proto: string } | undefined {
    const s = this.transport.sockets.find((x) => x.name === localSocket) ?? this.transport.sockets[0];
    if (!s) return undefined;
    return { ...this.advertise(s), proto: s.proto };
  }

  private socketFor(t: NetTarget): { socket: ListeningSocket; host: string; port: number } | undefined {
    const family = isIP(t.host) === 6 ? 6 : 4;
    const socket = this.transport.socketFor(t.proto, family);
    if (!socket) return undefined;
    return { socket, ...this.advertise(socket) };
  }

  // ---- dispatcher probing ---------------------------------------------------------------------------

  /** Sends one OPTIONS (ds_ping_method) to a dispatcher destination; resolves with the status (408 on timeout). */
  private ping(uri: string, from: string, method = "OPTIONS"): Promise<number> {
    return new Promise((resolve) => {
      let target: Uri;
      try {
        target = parseUri(uri);
      } catch {
        resolve(400);
        return;
      }
      void (async () => {
        let net: NetTarget;
        try {
          net = await resolveUri(target);
        } catch {
          resolve(408);
          return;
        }
        const local = this.socketFor(net);
        if (!local) {
          resolve(503);
          return;
        }
        const req = new SipRequest(method, uri);
        const host = local.host.includes(":") ? `[${local.host}]` : local.host;
        req.append(
          "Via",
          `SIP/2.0/${net.proto.toUpperCase()} ${host}:${local.port};branch=${generateBranch()}`,
        );
        req.append("From", `<${from}>;tag=${generateTag()}`);
        req.append("To", `<${uri}>`);
        req.append("Call-ID", generateCallId(local.host));
        req.append("CSeq", `1 ${method}`);
        req.append("Max-Forwards", "70");
        req.append("Content-Length", "0");
        try {
          this.transactions.sendRequest(
            req,
            { ...net, localSocket: local.socket.name },
            {
              timeoutMs: Math.min(this.config.tm.frTimer, 5000),
              onResponse: (res) => res.status >= 200 && resolve(res.status),
              onTimeout: () => resolve(408),
              onTransportError: () => resolve(503),
            },
          );
        } catch {
          resolve(503);
        }
      })();
    });
  }

  // ---- statistics and RPC ------------------------------------------------------------------------------

  private registerStats(): void {
    const s = this.stats;
    s.addCounters("core", this.transport.counters as unknown as Record<string, number>);
    for (const m of METHODS) this.methodCounters[`rcv_requests_${m}`] = 0;
    for (const c of REPLY_CLASSES) this.methodCounters[`rcv_replies_${c}`] = 0;
    for (const c of [401, 404, 407, 480, 486]) this.methodCounters[`rcv_replies_${c}`] = 0;
    s.addCounters("core", this.methodCounters);
    for (const c of SL_CODES) this.slCounters[`${c}_replies`] = 0;
    for (const c of REPLY_CLASSES) this.slCounters[`${c}_replies`] = 0;
    Object.assign(this.slCounters, { sent_replies: 0, sent_err_replies: 0 });
    s.addCounters("sl", this.slCounters);
    const tm = this.tm.counters as unknown as Record<string, number>;
    s.addCounters("tmx", tm, [
      "UAS_transactions",
      "UAC_transactions",
      "2xx_transactions",
      "3xx_transactions",
      "4xx_transactions",
      "5xx_transactions",
      "6xx_transactions",
      "rpl_received",
      "rpl_absorbed",
      "rpl_relayed",
      "rpl_generated",
      "rpl_sent",
    ]);
    s.add({ group: "tmx", name: "inuse_transactions", read: () => this.tm.inUse });
    s.add({ group: "tmx", name: "active_transactions", read: () => this.tm.inUse });
    let maxRss = 0;
    const mem = () => {
      const m = process.memoryUsage();
      maxRss = Math.max(maxRss, m.rss);
      return m;
    };
    s.add({ group: "shmem", name: "total_size", read: () => mem().heapTotal });
    s.add({ group: "shmem", name: "used_size", read: () => mem().heapUsed });
    s.add({ group: "shmem", name: "real_used_size", read: () => mem().rss });
    s.add({
      group: "shmem",
      name: "max_used_size",
      read: () => {
        mem();
        return maxRss;
      },
    });
    s.add({ group: "shmem", name: "free_size", read: () => mem().heapTotal - mem().heapUsed });
    s.add({ group: "shmem", name: "fragments", read: () => 0 });
    s.add({ group: "tcp", name: "current_opened_connections", read: () => this.transport.connectionCount });
    const acc = this.modules.db?.acc;
    if (acc) s.add({ group: "acc", name: "pending", read: () => acc.counters.pending });
    registerModuleStats(s, this.modules);
  }

  private registerRpc(): void {
    const r = this.registry;
    registerSystemMethods(r);
    registerCoreRpc(r, {
      stats: this.stats,
      startedAt: this.startedAt,
      sockets: () =>
        this.transport.sockets.map((s) => ({
          proto: s.proto,
          host: s.host,
          port: s.port,
          advertise: this.config.sip.advertise || undefined,
        })),
      aliases: () => [...this.myHosts],
    });
    const tmStats = () => {
      const c = this.tm.counters;
      return {
        current: this.tm.inUse,
        waiting: 0,
        total: c.UAS_transactions,
        total_local: c.total_local,
        rpl_received: c.rpl_received,
        rpl_generated: c.rpl_generated,
        rpl_sent: c.rpl_sent,
        "6xx": c["6xx_transactions"],
        "5xx": c["5xx_transactions"],
        "4xx": c["4xx_transactions"],
        "3xx": c["3xx_transactions"],
        "2xx": c["2xx_transactions"],
        created: c.UAS_transactions,
        freed: c.freed,
        delayed_free: 0,
      };
    };
    r.register({ name: "tm.stats", doc: "Prints the tm statistics.", handler: tmStats });
    r.register({
      name: "sl.stats",
      doc: "Prints the stateless reply statistics.",
      handler: () => {
        const out: Record<string, number> = {};
        for (const c of SL_CODES) out[String(c)] = this.slCounters[`${c}_replies`];
        for (const c of REPLY_CLASSES.slice(1)) out[c] = this.slCounters[`${c}_replies`];
        out.xxx = 0;
        return out;
      },
    });
    r.register({
      name: "corex.debug",
      doc: "Gets or sets the log level (Kamailio debug numbers: -3 .. 4).",
      params: "level:int (optional)",
      handler: (params) => {
        if (params.length > 0) this.modules.cfg.set("core", "debug", Number(params[0]));
        return { old: Number(this.modules.cfg.get("core", "debug")) };
      },
    });
    registerModuleRpc(r, this.modules);
  }
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

function primaryAddress(family: 4 | 6): string {
  const all = Object.values(networkInterfaces()).flatMap((l) => l ?? []);
  const want = family === 6 ? "IPv6" : "IPv4";
  const a = all.find((x) => x.family === want && !x.internal) ?? all.find((x) => x.family === want);
  return a?.address ?? (family === 6 ? "::1" : "127.0.0.1");
}
