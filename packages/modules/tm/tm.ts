/**
 * tm: the transaction-stateful proxy core (Kamailio's tm module) on top of packages/sip's
 * transaction layer. A Cell is one proxied request (the server transaction and its branches):
 * t_relay forks to every branch in parallel (RFC 3261 §16.5-16.6), provisional replies are relayed,
 * the first 2xx is relayed at once and the other INVITE branches are CANCELed (§16.7 step 10),
 * failures are collected until every branch is done and the best one goes upstream after the
 * failure route had its chance to add new branches (serial forking). fr_timer / fr_inv_timer
 * end a branch with a local 408; CANCEL from upstream cancels every pending branch (§16.10).
 */
import {
  type ClientTransaction,
  createCancel,
  generateBranch,
  type ListeningSocket,
  responseTarget,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type TimerHandle,
  type TransactionLayer,
  type TransportLayer,
} from "@switchboard/sip";
import { nextHop } from "../rr/index.ts";
import { mergeChallenges, pickBest } from "./best.ts";
import { type NetTarget, resolveUri } from "./target.ts";

export interface TmParams {
  /** ms to wait for the first reply of a branch (Kamailio fr_timer). */
  fr_timer: number;
  /** ms to wait for the final reply of an INVITE branch after a provisional (fr_inv_timer). */
  fr_inv_timer: number;
}

export const TM_DEFAULTS: TmParams = { fr_timer: 30_000, fr_inv_timer: 120_000 };

/** One destination of a cell: R-URI, optional outbound destination ($du) and Path (as Route). */
export interface BranchTarget {
  uri: string;
  dstUri?: string;
  path?: string;
  q?: number;
}

export interface Branch {
  readonly index: number;
  readonly target: BranchTarget;
  request?: SipRequest;
  net?: NetTarget;
  localSocket?: string;
  client?: ClientTransaction;
  /** Final status (0 while pending); 408 when generated locally. */
  status: number;
  response?: SipResponse;
  provisional: boolean;
  cancelSent: boolean;
  timer?: TimerHandle;
}

/** The hooks a routing script plugs into (branch_route, onreply_route, failure_route, and accounting). */
export interface TmHooks {
  branch?(cell: Cell, branch: Branch): void;
  reply?(cell: Cell, res: SipResponse): void;
  /** Runs the armed failure route; it may call relay() again (new branches) or reply(). */
  failure?(cell: Cell, route: string, best: { status: number; response?: SipResponse }): Promise<void>;
  /** The final status sent upstream (for acc); `response` is absent for locally generated replies. */
  completed?(cell: Cell, status: number, reason: string, response?: SipResponse): void;
}

/** The core services tm needs from the server: sockets, and its own address for Via. */
export interface TmCore {
  transactions: TransactionLayer;
  transport: TransportLayer;
  /** Local socket for sending to `target`, and the host:port to advertise in Via. */
  socketFor(target: NetTarget): { socket: ListeningSocket; host: string; port: number } | undefined;
}

export class Cell {
  readonly branches: Branch[] = [];
  /** Transaction flags (setflag/isflagset), e.g. FLT_ACC. */
  flags = 0;
  onFailure?: string;
  onReply?: string;
  onBranch?: string;
  canceled = false;
  /** Status sent upstream, 0 until a final reply went out. */
  finalStatus = 0;
  /** Script variables that live as long as the transaction ($avp). */
  readonly vars = new Map<string, unknown>();
  /** A failure route is running: relay() adds branches to this cell. */
  inFailureRoute = false;

  constructor(
    readonly request: SipRequest,
    readonly server: ServerTransaction,
  ) {}

  get isInvite(): boolean {
    return this.request.method === "INVITE";
  }
}

export class Tm {
  readonly params: TmParams;
  /** tmx:* and tm.stats counters (Kamailio names). */
  readonly counters = {
    UAS_transactions: 0,
    UAC_transactions: 0,
    "2xx_transactions": 0,
    "3xx_transactions": 0,
    "4xx_transactions": 0,
    "5xx_transactions": 0,
    "6xx_transactions": 0,
    rpl_received: 0,
    rpl_absorbed: 0,
    rpl_relayed: 0,
    rpl_generated: 0,
    rpl_sent: 0,
    total_local: 0,
    freed: 0,
  };
  private readonly cells = new Map<ServerTransaction, Cell>();

  constructor(
    private readonly core: TmCore,
    private readonly hooks: TmHooks,
    params: Partial<TmParams> = {},
  ) {
    this.params = { ...TM_DEFAULTS, ...params };
  }

  /** Transactions currently in memory (tmx:inuse_transactions / tm.stats current). */
  get inUse(): number {
    return this.cells.size;
  }

  /**
   * Transactions still waiting for their final reply. A completed one stays in memory only to absorb
   * retransmissions (non-INVITE: Timer J, 32 s over UDP), so a graceful stop waits for these alone.
   */
  get pending(): number {
    let n = 0;
    for (const cell of this.cells.values()) if (!cell.finalStatus) n++;
    return n;
  }

  /** The cell of a server transaction, created on first use (t_newtran). */
  cellFor(request: SipRequest, server: ServerTransaction): Cell {
    let cell = this.cells.get(server);
    if (!cell) {
      cell = new Cell(request, server);
      this.cells.set(server, cell);
      this.counters.UAS_transactions++;
      const prev = server.onTerminated;
      server.onTerminated = (tx) => {
        prev?.(tx);
        this.release(cell!);
      };
    }
    return cell;
  }

  findCell(server: ServerTransaction | undefined): Cell | undefined {
    return server ? this.cells.get(server) : undefined;
  }

  private release(cell: Cell): void {
    if (!this.cells.delete(cell.server)) return;
    for (const b of cell.branches) b.timer?.cancel();
    this.counters.freed++;
  }

  /**
   * t_relay(): forwards the cell's request to `targets` (parallel forking). Returns false when no
   * branch could be sent (the caller replies with an error, sl_reply_error()).
   */
  async relay(cell: Cell, targets: readonly BranchTarget[]): Promise<boolean> {
    if (cell.finalStatus) return false;
    if (cell.isInvite) cell.server.sendTrying();
    let sent = 0;
    const fresh: Branch[] = [];
    for (const target of targets) {
      const branch: Branch = {
        index: cell.branches.length,
        target,
        status: 0,
        provisional: false,
        cancelSent: false,
      };
      cell.branches.push(branch);
      fresh.push(branch);
    }
    for (const branch of fresh) if (await this.sendBranch(cell, branch)) sent++;
    if (sent === 0) {
      for (const b of fresh) cell.branches.splice(cell.branches.indexOf(b), 1);
      return false;
    }
    // A failure route that relays keeps the cell open; otherwise check for completion now
    // (every new branch may already have failed at the transport).
    if (!cell.inFailureRoute) void this.checkCompleted(cell);
    return true;
  }

  private async sendBranch(cell: Cell, branch: Branch): Promise<boolean> {
    const req = cell.request.clone();
    req.uri = branch.target.uri;
    if (branch.target.path) req.prepend("route", branch.target.path);
    let net: NetTarget;
    try {
      const hop = nextHop(req, branch.target.dstUri);
      net = await resolveUri(hop.uri);
    } catch {
      return false;
    }
    const local = this.core.socketFor(net);
    if (!local) return false;
    const host = local.host.includes(":") && !local.host.startsWith("[") ? `[${local.host}]` : local.host;
    req.prepend("via", `SIP/2.0/${net.proto.toUpperCase()} ${host}:${local.port};branch=${generateBranch()}`);
    branch.request = req;
    branch.net = net;
    branch.localSocket = local.socket.name;
    this.hooks.branch?.(cell, branch);
    this.counters.UAC_transactions++;
    try {
      branch.client = this.core.transactions.sendRequest(
        req,
        { ...net, localSocket: local.socket.name },
        {
          timeoutMs: this.params.fr_timer,
          onResponse: (res) => this.onBranchResponse(cell, branch, res),
          onTimeout: () => this.endBranchLocally(cell, branch, 408),
          onTransportError: () => this.endBranchLocally(cell, branch, 503),
        },
      );
    } catch {
      return false;
    }
    if (cell.canceled) this.cancelBranch(branch);
    return true;
  }

  private onBranchResponse(cell: Cell, branch: Branch, res: SipResponse): void {
    this.counters.rpl_received++;
    const s = res.status;
    if (branch.status !== 0) {
      // After the branch ended: only 2xx (other forks / retransmissions) still go upstream (RFC 6026).
      if (cell.isInvite && s >= 200 && s < 300) this.forwardUpstream(cell, res);
      else this.counters.rpl_absorbed++;
      return;
    }
    if (s < 200) {
      if (s === 100) {
        this.counters.rpl_absorbed++; // 100 is hop-by-hop (§16.7 step 5)
        return;
      }
      if (!branch.provisional && cell.isInvite) {
        branch.timer?.cancel();
        branch.timer = this.core.transactions.timers.schedule(this.params.fr_inv_timer, () =>
          this.expireInvite(cell, branch),
        );
      }
      branch.provisional = true;
      if (cell.canceled) this.cancelBranch(branch);
      this.hooks.reply?.(cell, res);
      if (!cell.finalStatus) this.forwardUpstream(cell, res);
      return;
    }
    branch.timer?.cancel();
    branch.status = s;
    branch.response = res;
    this.hooks.reply?.(cell, res);
    if (s < 300) {
      this.forwardUpstream(cell, res);
      this.finish(cell, s, res.reason, res);
      if (cell.isInvite) for (const b of cell.branches) if (b.status === 0) this.cancelBranch(b);
      return;
    }
    if (s >= 600 && cell.isInvite) for (const b of cell.branches) if (b.status === 0) this.cancelBranch(b);
    void this.checkCompleted(cell);
  }

  /** fr_inv_timer expired on a ringing INVITE branch: CANCEL it and count it as 408. */
  private expireInvite(cell: Cell, branch: Branch): void {
    if (branch.status !== 0) return;
    this.cancelBranch(branch);
    this.endBranchLocally(cell, branch, 408);
  }

  private endBranchLocally(cell: Cell, branch: Branch, status: number): void {
    if (branch.status !== 0) return;
    branch.timer?.cancel();
    branch.status = status;
    void this.checkCompleted(cell);
  }

  /** CANCEL for one branch (§16.10): only after a provisional; otherwise when one arrives. */
  private cancelBranch(branch: Branch): void {
    if (branch.cancelSent || !branch.request || !branch.net || branch.status !== 0) return;
    if (!branch.provisional) return;
    branch.cancelSent = true;
    const cancel = createCancel(branch.request);
    try {
      this.core.transactions.sendRequest(cancel, { ...branch.net, localSocket: branch.localSocket });
    } catch {
      // a CANCEL for this branch is already in flight
    }
  }

  /** CANCEL from upstream: 200 for the CANCEL is the caller's job; this cancels every branch. */
  cancel(cell: Cell): void {
    if (cell.canceled) return;
    cell.canceled = true;
    let pending = 0;
    for (const b of cell.branches) {
      if (b.status === 0) {
        pending++;
        this.cancelBranch(b);
      }
    }
    if (pending === 0 && !cell.finalStatus) this.reply(cell, 487, "Request Terminated");
  }

  private async checkCompleted(cell: Cell): Promise<void> {
    if (cell.finalStatus || cell.inFailureRoute) return;
    if (cell.branches.length === 0 || cell.branches.some((b) => b.status === 0)) return;
    const finals = cell.branches.filter((b) => b.status >= 300 || b.status === 0);
    const i = pickBest(finals.map((b) => b.status));
    const best = finals[i];
    const route = cell.onFailure;
    if (route && this.hooks.failure) {
      cell.onFailure = undefined; // a failure route must be armed again to run again
      cell.inFailureRoute = true;
      const before = cell.branches.length;
      try {
        await this.hooks.failure(cell, route, { status: best.status, response: best.response });
      } finally {
        cell.inFailureRoute = false;
      }
      if (cell.finalStatus) return;
      if (cell.branches.length > before) return void this.checkCompleted(cell);
    }
    if (cell.canceled) {
      this.reply(cell, 487, "Request Terminated");
      return;
    }
    if (best.response) {
      mergeChallenges(
        best.response,
        finals.flatMap((b) => (b.response ? [b.response] : [])),
      );
      this.forwardUpstream(cell, best.response);
      this.finish(cell, best.status, best.response.reason, best.response);
    } else {
      this.reply(cell, best.status, best.status === 408 ? "Request Timeout" : "Service Unavailable");
    }
  }

  /** Relays a downstream response upstream: our Via removed (§16.7 step 3), sent on the server transaction. */
  private forwardUpstream(cell: Cell, res: SipResponse): void {
    const up = res.clone();
    up.removeFirst("via");
    this.counters.rpl_relayed++;
    this.counters.rpl_sent++;
    cell.server.send(up);
  }

  /** t_reply(): a locally generated reply on the cell's server transaction. */
  reply(
    cell: Cell,
    status: number,
    reason: string,
    headers?: ReadonlyArray<readonly [string, string]>,
  ): void {
    if (cell.finalStatus && status >= 200) return;
    cell.server.reply(status, reason, { headers });
    this.counters.rpl_generated++;
    this.counters.rpl_sent++;
    if (status >= 200) {
      this.counters.total_local++;
      this.finish(cell, status, reason);
    }
  }

  private finish(cell: Cell, status: number, reason: string, response?: SipResponse): void {
    if (cell.finalStatus) return;
    cell.finalStatus = status;
    const cls = `${Math.min(Math.floor(status / 100), 6)}xx_transactions` as keyof Tm["counters"];
    if (cls in this.counters) this.counters[cls]++;
    this.hooks.completed?.(cell, status, reason, response);
  }

  /**
   * Stateless forwarding (Kamailio forward()): for requests without a transaction, such as the ACK
   * of a 2xx. Adds our Via and sends to the next hop.
   */
  async forwardStateless(req: SipRequest, dstUri?: string | null): Promise<boolean> {
    try {
      const hop = nextHop(req, dstUri);
      const net = await resolveUri(hop.uri);
      const local = this.core.socketFor(net);
      if (!local) return false;
      const host = local.host.includes(":") && !local.host.startsWith("[") ? `[${local.host}]` : local.host;
      req.prepend(
        "via",
        `SIP/2.0/${net.proto.toUpperCase()} ${host}:${local.port};branch=${generateBranch()}`,
      );
      await this.core.transport.send(req, { ...net, localSocket: local.socket.name });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A response no transaction wants (e.g. a 2xx retransmission after the INVITE transaction
   * ended): relayed statelessly by its Via when the top Via is ours (§16.11, §18.2.2). Vias are
   * parsed here for the first time, so a malformed one (from anyone who can send us a datagram)
   * must drop the response, not reject.
   */
  async forwardStrayResponse(
    res: SipResponse,
    isOwnVia: (host: string, port: number | null) => boolean,
  ): Promise<boolean> {
    try {
      const top = res.via;
      if (!top || !isOwnVia(top.host, top.port)) return false;
      const up = res.clone();
      up.removeFirst("via");
      const next = up.via;
      if (!next) return false;
      await this.core.transport.send(up, responseTarget(next));
      return true;
    } catch {
      return false;
    }
  }
}
