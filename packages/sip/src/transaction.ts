/**
 * The transaction layer of RFC 3261 §17 with the RFC 6026 "Accepted" state for INVITE
 * transactions (so 2xx retransmissions and INVITE retransmissions after a 2xx are handled).
 * State machines use the §17 state names; all timers run on one shared TimerWheel.
 *
 * The layer sits on a TransportLayer: it matches incoming messages to transactions (§17.1.3,
 * §17.2.3), absorbs retransmissions, retransmits over UDP, and reports everything else to its
 * user through callbacks, so a proxy core (t_relay, forking, CANCEL, fr_timer) can be built on top.
 */
import { SipParseError } from "./errors.ts";
import { generateTag, isRfc3261Branch } from "./ids.ts";
import { type AnySipMessage, SipRequest, type SipResponse } from "./message.ts";
import { responseTarget, type SendTarget } from "./nat.ts";
import { type CreateResponseOptions, createResponse, reasonPhrase } from "./response.ts";
import { type TimerHandle, TimerWheel } from "./timer-wheel.ts";
import type { TransportLayer } from "./transport.ts";

export interface TimerSettings {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  T2: number;
  /** Maximum time a message stays in the network, default 5 s. */
  T4: number;
}

export interface TransactionLayerOptions extends Partial<TimerSettings> {
  /**
   * When an INVITE server transaction sends 100 Trying by itself (§17.2.1): "delayed" (default)
   * after 200 ms without a response from the user, "immediate" on arrival (what a proxy does), "never".
   */
  inviteTrying?: "delayed" | "immediate" | "never";
  /** Kamailio tm max_inv_lifetime / max_noninv_lifetime: hard caps on a server transaction's life. */
  maxInviteLifetimeMs?: number;
  maxNonInviteLifetimeMs?: number;
  /** Tick of the shared timer wheel (default 10 ms). */
  timerResolutionMs?: number;
}

export type ClientState = "Calling" | "Trying" | "Proceeding" | "Accepted" | "Completed" | "Terminated";
export type ServerState = "Trying" | "Proceeding" | "Accepted" | "Completed" | "Confirmed" | "Terminated";

/** Destination of a client transaction; `localSocket` picks the sending socket by name. */
export type RequestTarget = SendTarget & { localSocket?: string };

export interface ClientTransactionHandlers {
  /** Every response passed up: provisional, final, and (Accepted state) 2xx retransmissions. */
  onResponse?: (res: SipResponse, tx: ClientTransaction) => void;
  /** Timer B / F fired (or `timeoutMs`) without a final response (§17.1.1.2, §17.1.2.2). */
  onTimeout?: (tx: ClientTransaction) => void;
  onTransportError?: (err: unknown, tx: ClientTransaction) => void;
  onTerminated?: (tx: ClientTransaction) => void;
}

export interface SendRequestOptions extends ClientTransactionHandlers {
  /** Replaces Timer B / F (64*T1), like Kamailio's fr_timer / fr_inv_timer per branch. */
  timeoutMs?: number;
}

function methodKey(method: string): string {
  return method === "ACK" ? "INVITE" : method;
}

/**
 * Server transaction key (§17.2.3): branch + sent-by + method when the branch has the magic
 * cookie; otherwise the RFC 2543 fields (Request-URI, Call-ID, From tag, CSeq number, top Via).
 * ACK maps to INVITE so it finds the INVITE transaction; CANCEL keeps its own method.
 */
export function serverKey(req: SipRequest, method = methodKey(req.method)): string {
  const via = req.via;
  if (!via) throw new SipParseError("Missing Via");
  const branch = via.branch;
  if (isRfc3261Branch(branch)) return `${branch}|${via.sentBy}|${method}`;
  return `2543|${req.uri}|${req.callId}|${req.fromTag ?? ""}|${req.cseq.seq}|${via.toString()}|${method}`;
}

/** Client transaction key (§17.1.3): top Via branch + CSeq method. */
export function clientKey(msg: AnySipMessage): string {
  const branch = msg.via?.branch;
  if (!branch) throw new SipParseError("Missing branch");
  return `${branch}|${msg.cseq.method}`;
}

/**
 * The ACK for a non-2xx final response (§17.1.1.3): same Request-URI, Call-ID, From, CSeq number
 * and top Via as the INVITE, To from the response (with its tag), and the INVITE's Route set.
 */
export function createAckForNon2xx(invite: SipRequest, res: SipResponse): SipRequest {
  const ack = new SipRequest("ACK", invite.uri);
  const topVia = invite.get("via");
  if (topVia) ack.append("Via", topVia);
  for (const h of invite.headers) {
    if (h.key === "from" || h.key === "call-id" || h.key === "route") ack.headers.push({ ...h });
  }
  const to = res.headers.find((h) => h.key === "to");
  if (to) ack.headers.push({ ...to });
  ack.append("CSeq", `${invite.cseq.seq} ACK`);
  const mf = invite.get("max-forwards");
  ack.append("Max-Forwards", mf ?? "70");
  ack.append("Content-Length", "0");
  return ack;
}

/**
 * A CANCEL for a pending INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq number, top Via
 * (branch included, so it matches the INVITE's server transaction downstream) and Route set.
 */
export function createCancel(invite: SipRequest, reason?: string): SipRequest {
  const cancel = new SipRequest("CANCEL", invite.uri);
  const topVia = invite.get("via");
  if (topVia) cancel.append("Via", topVia);
  for (const h of invite.headers) {
    if (h.key === "from" || h.key === "to" || h.key === "call-id" || h.key === "route")
      cancel.headers.push({ ...h });
  }
  cancel.append("CSeq", `${invite.cseq.seq} CANCEL`);
  cancel.append("Max-Forwards", invite.get("max-forwards") ?? "70");
  if (reason) cancel.append("Reason", reason);
  cancel.append("Content-Length", "0");
  return cancel;
}

abstract class Transaction {
  protected readonly timers = new Set<TimerHandle>();
  protected constructor(
    protected readonly layer: TransactionLayer,
    readonly key: string,
    readonly isInvite: boolean,
  ) {}

  protected get settings(): TimerSettings {
    return this.layer.settings;
  }

  protected start(ms: number, fn: () => void): TimerHandle {
    const h = this.layer.timers.schedule(ms, () => {
      this.timers.delete(h);
      fn();
    });
    this.timers.add(h);
    return h;
  }

  protected stop(h: TimerHandle | undefined): void {
    if (!h) return;
    h.cancel();
    this.timers.delete(h);
  }

  protected clearTimers(): void {
    for (const h of this.timers) h.cancel();
    this.timers.clear();
  }
}

/** Client transaction (§17.1): INVITE (Calling...) or non-INVITE (Trying...). */
export class ClientTransaction extends Transaction {
  state: ClientState;
  /** Last response passed up. */
  lastResponse?: SipResponse;
  /** The ACK this transaction generated for a non-2xx final response (§17.1.1.3). */
  ack?: SipRequest;
  private readonly bytes: Buffer;
  private readonly reliable: boolean;
  private retransmit?: TimerHandle;
  private interval: number;
  private timeout?: TimerHandle;
  private ackBytes?: Buffer;

  constructor(
    layer: TransactionLayer,
    readonly request: SipRequest,
    readonly target: RequestTarget,
    readonly handlers: SendRequestOptions,
  ) {
    super(layer, clientKey(request), request.method === "INVITE");
    this.state = this.isInvite ? "Calling" : "Trying";
    this.bytes = request.serialize();
    this.reliable = target.proto !== "udp";
    this.interval = this.settings.T1;
  }

  /** Sends the request and starts Timer A/B (INVITE) or E/F (non-INVITE). */
  begin(): void {
    this.transmit(this.bytes);
    if (!this.reliable) this.retransmit = this.start(this.interval, () => this.onRetransmitTimer());
    const limit = this.handlers.timeoutMs ?? 64 * this.settings.T1;
    this.timeout = this.start(limit, () => this.onTimeoutTimer());
  }

  private transmit(bytes: Buffer): void {
    this.layer.transport.send(bytes, this.target).catch((err) => this.transportError(err));
  }

  /** Timer A (INVITE: doubling) or Timer E (non-INVITE: doubling up to T2, T2 once Proceeding). */
  private onRetransmitTimer(): void {
    if (this.state !== "Calling" && this.state !== "Trying" && this.state !== "Proceeding") return;
    if (this.isInvite && this.state !== "Calling") return;
    this.transmit(this.bytes);
    this.interval = this.isInvite
      ? this.interval * 2
      : this.state === "Proceeding"
        ? this.settings.T2
        : Math.min(this.interval * 2, this.settings.T2);
    this.retransmit = this.start(this.interval, () => this.onRetransmitTimer());
  }

  /** Timer B (INVITE, Calling) or Timer F (non-INVITE, Trying/Proceeding). */
  private onTimeoutTimer(): void {
    const pending = this.isInvite
      ? this.state === "Calling"
      : this.state === "Trying" || this.state === "Proceeding";
    if (!pending) return;
    this.terminate();
    this.handlers.onTimeout?.(this);
  }

  private transportError(err: unknown): void {
    if (this.state === "Terminated") return;
    this.terminate();
    this.handlers.onTransportError?.(err, this);
  }

  /** A response matched this transaction (§17.1.1.2 / §17.1.2.2). */
  receive(res: SipResponse): void {
    const s = res.status;
    switch (this.state) {
      case "Calling":
      case "Trying":
      case "Proceeding":
        if (s < 200) {
          if (this.state !== "Proceeding") {
            this.state = "Proceeding";
            // INVITE: Timer A stops on a provisional; non-INVITE keeps E (at T2) and F.
            if (this.isInvite) this.stop(this.retransmit);
          }
          this.pass(res);
        } else if (this.isInvite && s < 300) {
          this.finalise(res, "Accepted", 64 * this.settings.T1);
        } else if (this.isInvite) {
          this.sendAck(res);
          this.finalise(res, "Completed", this.reliable ? 0 : 64 * this.settings.T1); // Timer D
        } else {
          this.finalise(res, "Completed", this.reliable ? 0 : this.settings.T4); // Timer K
        }
        return;
      case "Accepted":
        // RFC 6026 §7.2: 2xx retransmissions (and 2xx from other forks) still go to the user.
        if (s >= 200 && s < 300) this.pass(res);
        return;
      case "Completed":
        // Retransmitted final response: absorbed; an INVITE's ACK is sent again.
        if (this.isInvite && s >= 300 && this.ackBytes) this.transmit(this.ackBytes);
        return;
      case "Terminated":
        return;
    }
  }

  private finalise(res: SipResponse, next: ClientState, linger: number): void {
    this.stop(this.retransmit);
    this.stop(this.timeout);
    this.state = next;
    this.pass(res);
    if (this.state !== next) return; // the user terminated it from the callback
    if (linger <= 0) this.terminate();
    else this.start(linger, () => this.terminate());
  }

  private sendAck(res: SipResponse): void {
    this.ack = createAckForNon2xx(this.request, res);
    this.ackBytes = this.ack.serialize();
    this.transmit(this.ackBytes);
  }

  private pass(res: SipResponse): void {
    this.lastResponse = res;
    this.handlers.onResponse?.(res, this);
  }

  /** Ends the transaction now (stops timers, forgets it). */
  terminate(): void {
    if (this.state === "Terminated") return;
    this.state = "Terminated";
    this.clearTimers();
    this.layer.forgetClient(this);
    this.handlers.onTerminated?.(this);
  }
}

/** Server transaction (§17.2): INVITE (Proceeding...) or non-INVITE (Trying...). */
export class ServerTransaction extends Transaction {
  state: ServerState;
  lastResponse?: SipResponse;
  /** To tag used by reply() for responses this stack generates (stable across retransmissions). */
  readonly toTag: string;
  private target?: RequestTarget;
  onTimeout?: (tx: ServerTransaction) => void;
  onTransportError?: (err: unknown, tx: ServerTransaction) => void;
  onTerminated?: (tx: ServerTransaction) => void;
  /** The ACK for a non-2xx final response arrived (INVITE: Completed -> Confirmed). */
  onAck?: (ack: SipRequest, tx: ServerTransaction) => void;
  private lastBytes?: Buffer;
  private readonly reliable: boolean;
  private trying?: TimerHandle;
  private retransmit?: TimerHandle;
  private interval: number;

  constructor(
    layer: TransactionLayer,
    key: string,
    readonly request: SipRequest,
    toTag: string,
  ) {
    super(layer, key, request.method === "INVITE");
    this.state = this.isInvite ? "Proceeding" : "Trying";
    this.toTag = toTag;
    const src = request.source;
    this.reliable = src ? src.proto !== "udp" : request.via?.transport !== "UDP";
    this.interval = this.settings.T1;
    const life = this.isInvite ? layer.maxInviteLifetimeMs : layer.maxNonInviteLifetimeMs;
    this.start(life, () => this.terminate());
  }

  /** §17.2.1: 100 Trying from the transaction itself, now or after 200 ms without a response. */
  scheduleTrying(mode: "delayed" | "immediate" | "never"): void {
    if (!this.isInvite || mode === "never") return;
    if (mode === "immediate") this.sendTrying();
    else this.trying = this.start(200, () => this.sendTrying());
  }

  /**
   * Where responses go (§18.2.2): decided at the first response, so received/rport the user adds
   * before answering (Kamailio force_rport()) count, then fixed for every retransmission.
   */
  get responseTarget(): RequestTarget {
    if (!this.target) {
      const src = this.request.source;
      this.target = { ...responseTarget(this.request.via!, src), localSocket: src?.localSocket };
    }
    return this.target;
  }

  /** Sends 100 Trying unless a response was already sent. */
  sendTrying(): void {
    if (this.lastResponse || this.state !== "Proceeding") return;
    this.send(createResponse(this.request, 100));
  }

  /** Builds a response with this transaction's To tag and sends it (Kamailio t_reply). */
  reply(
    status: number,
    reason: string = reasonPhrase(status),
    opts: CreateResponseOptions = {},
  ): SipResponse {
    const res = createResponse(this.request, status, reason, { toTag: this.toTag, ...opts });
    this.send(res);
    return res;
  }

  /** Sends a response from the user, moving the state machine (§17.2.1 / §17.2.2). */
  send(res: SipResponse): void {
    const s = res.status;
    switch (this.state) {
      case "Trying":
      case "Proceeding":
        break;
      case "Accepted":
        // RFC 6026 §7.1: further 2xx (retransmissions from the user / other forks) are sent.
        if (s >= 200 && s < 300) this.transmit(res);
        return;
      default:
        return; // a final response was already sent
    }
    this.stop(this.trying);
    this.transmit(res);
    if (s < 200) {
      this.state = "Proceeding";
      return;
    }
    if (this.isInvite && s < 300) {
      this.state = "Accepted";
      this.start(64 * this.settings.T1, () => this.terminate()); // Timer L
      return;
    }
    this.state = "Completed";
    if (this.isInvite) {
      if (!this.reliable) this.retransmit = this.start(this.interval, () => this.onTimerG());
      this.start(64 * this.settings.T1, () => this.onTimerH());
    } else {
      this.start(this.reliable ? 0 : 64 * this.settings.T1, () => this.terminate()); // Timer J
    }
  }

  private transmit(res: SipResponse): void {
    this.lastResponse = res;
    this.lastBytes = res.serialize();
    this.resend();
  }

  private resend(): void {
    if (!this.lastBytes) return;
    this.layer.transport.send(this.lastBytes, this.responseTarget).catch((err) => {
      if (this.state === "Terminated") return;
      this.terminate();
      this.onTransportError?.(err, this);
    });
  }

  /** Timer G: retransmit the final response, doubling up to T2 (§17.2.1). */
  private onTimerG(): void {
    if (this.state !== "Completed") return;
    this.resend();
    this.interval = Math.min(this.interval * 2, this.settings.T2);
    this.retransmit = this.start(this.interval, () => this.onTimerG());
  }

  /** Timer H: the ACK never came (§17.2.1). */
  private onTimerH(): void {
    if (this.state !== "Completed") return;
    this.terminate();
    this.onTimeout?.(this);
  }

  /** A retransmission of the request, or the ACK, matched this transaction. */
  receive(req: SipRequest): void {
    if (req.method === "ACK") {
      if (this.state === "Completed") {
        this.state = "Confirmed";
        this.stop(this.retransmit);
        this.start(this.reliable ? 0 : this.settings.T4, () => this.terminate()); // Timer I
        this.onAck?.(req, this);
      }
      return;
    }
    // Retransmitted request: resend the last response, if any (§17.2.1, §17.2.2).
    if (this.state === "Proceeding" || this.state === "Completed") this.resend();
  }

  terminate(): void {
    if (this.state === "Terminated") return;
    this.state = "Terminated";
    this.clearTimers();
    this.layer.forgetServer(this);
    this.onTerminated?.(this);
  }
}

export type RequestHandler = (req: SipRequest, tx: ServerTransaction | undefined) => void;

/**
 * Owns all transactions of a process. Set `onRequest` (new requests, with their server
 * transaction; ACKs that match none arrive with `undefined`) and `onStrayResponse` (responses no
 * client transaction wants, e.g. 2xx retransmissions a proxy forwards statelessly).
 */
export class TransactionLayer {
  readonly settings: TimerSettings;
  readonly timers: TimerWheel;
  readonly maxInviteLifetimeMs: number;
  readonly maxNonInviteLifetimeMs: number;
  onRequest: RequestHandler = () => {};
  onStrayResponse: (res: SipResponse) => void = () => {};
  private readonly inviteTrying: "delayed" | "immediate" | "never";
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(
    readonly transport: TransportLayer,
    opts: TransactionLayerOptions = {},
  ) {
    this.settings = { T1: opts.T1 ?? 500, T2: opts.T2 ?? 4000, T4: opts.T4 ?? 5000 };
    this.timers = new TimerWheel(opts.timerResolutionMs ?? 10, 1024, (e) => transport.onError(e));
    this.inviteTrying = opts.inviteTrying ?? "delayed";
    this.maxInviteLifetimeMs = opts.maxInviteLifetimeMs ?? 180_000;
    this.maxNonInviteLifetimeMs = opts.maxNonInviteLifetimeMs ?? 32_000;
    transport.onMessage = (m) => this.receive(m);
  }

  /** Counts of live transactions. */
  get size(): { server: number; client: number } {
    return { server: this.servers.size, client: this.clients.size };
  }

  /** Entry point for every message from the transport. */
  receive(msg: AnySipMessage): void {
    if (msg.isRequest) this.receiveRequest(msg);
    else this.receiveResponse(msg);
  }

  private receiveRequest(req: SipRequest): void {
    const key = serverKey(req);
    const tx = this.servers.get(key);
    if (tx) {
      tx.receive(req);
      // An ACK for a 2xx is end-to-end: the user routes it even when it matches (RFC 6026 Accepted).
      if (req.method === "ACK" && tx.state === "Accepted") this.onRequest(req, undefined);
      return;
    }
    if (req.method === "ACK") {
      this.onRequest(req, undefined);
      return;
    }
    const st = new ServerTransaction(this, key, req, generateTag());
    this.servers.set(key, st);
    st.scheduleTrying(this.inviteTrying);
    this.onRequest(req, st);
  }

  private receiveResponse(res: SipResponse): void {
    let tx: ClientTransaction | undefined;
    try {
      tx = this.clients.get(clientKey(res));
    } catch {
      tx = undefined;
    }
    if (tx) tx.receive(res);
    else this.onStrayResponse(res);
  }

  /**
   * Starts a client transaction for `req` (its top Via must carry a fresh branch, see
   * generateBranch) towards `target`. ACK is not a transaction: send it with transport.send.
   */
  sendRequest(req: SipRequest, target: RequestTarget, opts: SendRequestOptions = {}): ClientTransaction {
    if (req.method === "ACK") throw new Error("ACK is sent without a transaction");
    const tx = new ClientTransaction(this, req, target, opts);
    if (this.clients.has(tx.key)) throw new Error(`client transaction ${tx.key} exists`);
    this.clients.set(tx.key, tx);
    tx.begin();
    return tx;
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2), if it is still known. */
  findInviteForCancel(cancel: SipRequest): ServerTransaction | undefined {
    return this.servers.get(serverKey(cancel, "INVITE"));
  }

  findServer(req: SipRequest): ServerTransaction | undefined {
    return this.servers.get(serverKey(req));
  }

  findClient(msg: AnySipMessage): ClientTransaction | undefined {
    return this.clients.get(clientKey(msg));
  }

  /** Internal: called by a transaction entering Terminated. */
  forgetServer(tx: ServerTransaction): void {
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }

  /** Internal: called by a transaction entering Terminated. */
  forgetClient(tx: ClientTransaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }

  /** Stops every timer and forgets every transaction (the transport stays open). */
  close(): void {
    this.timers.stop();
    this.servers.clear();
    this.clients.clear();
  }
}
