/**
 * pike module: per source IP request density, to detect floods (Kamailio's pike).
 *
 * Every checked request counts as a hit for its source address. Time is cut in windows of
 * `sampling_time_unit` seconds; an address keeps the hits of the current and of the previous window.
 * It is "hot" when either window, or their average, reaches `reqs_density_per_unit`; the request that
 * makes it hot is the first refused (pike_check_req() returns -2, then -1 while it stays hot). It is
 * released at the first window that is not hot any more. An address with no request for
 * `remove_latency` seconds is forgotten.
 *
 * Difference from Kamailio: Kamailio keeps a tree of address bytes that an address only fully enters
 * after some hits, so its blocking limit lies between x and 3x (IPv4) or 9x (IPv6) requests per unit.
 * Here every address is tracked whole from its first request, so the limit is always x: the `x`-th
 * request within one unit is refused. Windows are computed from the clock on access (no swap timer),
 * which makes the behaviour exact and testable with an injected clock.
 */
import { parseIp } from "../shared/index.ts";

export interface PikeParams {
  /** Seconds per sampling window (Kamailio default 2). */
  sampling_time_unit?: number;
  /** Requests per window that make an address hot (default kamailio.cfg: 16; module default 30). */
  reqs_density_per_unit?: number;
  /** Seconds an address is remembered after its last request (default kamailio.cfg: 4; module default 120). */
  remove_latency?: number;
}

/** The values of the default kamailio.cfg WITH_ANTIFLOOD block: 16 requests per 2 s. */
export const PIKE_DEFAULTS: Required<PikeParams> = {
  sampling_time_unit: 2,
  reqs_density_per_unit: 16,
  remove_latency: 4,
};

export type PikeLog = (level: "warn" | "info", msg: string) => void;

/** pike_check_req() results: 1 allowed, -1 still flooding, -2 flooding detected by this request. */
export type PikeResult = 1 | -1 | -2;

interface Node {
  prev: number;
  curr: number;
  /** Index of the window `curr` counts (ms / unit). */
  window: number;
  red: boolean;
  lastHit: number;
}

export type PikeStatus = "HOT" | "WARM" | "";

export interface PikeTopEntry {
  ip_addr: string;
  leaf_hits_prev: number;
  leaf_hits_curr: number;
  /** Seconds until the address is forgotten. */
  expires: number;
  status: PikeStatus;
}

export class Pike {
  readonly params: Required<PikeParams>;
  private readonly nodes = new Map<string, Node>();
  private readonly unitMs: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly log: PikeLog;
  private timer: NodeJS.Timeout | null = null;
  /** Counter pike:blocked_ips, addresses detected as flooding. */
  blockedIps = 0;

  constructor(opts: { params?: PikeParams; now?: () => number; log?: PikeLog } = {}) {
    this.params = { ...PIKE_DEFAULTS, ...opts.params };
    const p = this.params;
    if (!(p.sampling_time_unit > 0)) throw new Error("pike: sampling_time_unit must be > 0");
    if (!(p.reqs_density_per_unit > 0)) throw new Error("pike: reqs_density_per_unit must be > 0");
    if (!(p.remove_latency > 0)) throw new Error("pike: remove_latency must be > 0");
    this.unitMs = p.sampling_time_unit * 1000;
    this.keepMs = p.remove_latency * 1000;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((level, msg) => console[level === "info" ? "log" : "warn"](`pike: ${msg}`));
  }

  /** pike_check_ip(ip): count one request from `ip`. */
  checkIp(ip: string): PikeResult {
    const key = addressKey(ip);
    // Kamailio answers "allowed" on internal errors rather than block a caller by mistake.
    if (key === null) return 1;
    const now = this.now();
    let n = this.nodes.get(key);
    if (!n) {
      n = { prev: 0, curr: 0, window: Math.floor(now / this.unitMs), red: false, lastHit: now };
      this.nodes.set(key, n);
    } else this.rotate(key, n, now);
    n.curr++;
    n.lastHit = now;
    if (n.red) return -1;
    if (!this.hot(n)) return 1;
    n.red = true;
    this.blockedIps++;
    this.log("warn", `PIKE - BLOCKing ip ${key}`);
    return -2;
  }

  /** true when the request may go on; false when its source floods (`if (!pike_check_req()) ...`). */
  allow(ip: string): boolean {
    return this.checkIp(ip) === 1;
  }

  /** Number of addresses tracked. */
  get size(): number {
    return this.nodes.size;
  }

  /** Forget addresses idle for remove_latency seconds; returns how many. */
  sweep(): number {
    const now = this.now();
    let n = 0;
    for (const [k, node] of this.nodes)
      if (node.lastHit + this.keepMs <= now) {
        this.nodes.delete(k);
        n++;
      }
    return n;
  }

  /** pike.top data: addresses with their status, most hits first; filter HOT (default), WARM or ALL. */
  top(filter: "HOT" | "WARM" | "ALL" = "HOT"): PikeTopEntry[] {
    const now = this.now();
    const out: PikeTopEntry[] = [];
    for (const [ip, node] of this.nodes) {
      if (node.lastHit + this.keepMs <= now) continue;
      this.rotate(ip, node, now);
      const status = this.status(node);
      if (filter !== "ALL" && status !== filter) continue;
      out.push({
        ip_addr: ip,
        leaf_hits_prev: node.prev,
        leaf_hits_curr: node.curr,
        expires: Math.ceil((node.lastHit + this.keepMs - now) / 1000),
        status,
      });
    }
    return out.sort(
      (a, b) =>
        b.leaf_hits_prev + b.leaf_hits_curr - (a.leaf_hits_prev + a.leaf_hits_curr) ||
        b.leaf_hits_curr - a.leaf_hits_curr,
    );
  }

  /** Start forgetting idle addresses every second (the timer does not keep the process alive). */
  start(): void {
    this.stop();
    this.timer = setInterval(() => this.sweep(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private hot(n: Node): boolean {
    const max = this.params.reqs_density_per_unit;
    return n.prev >= max || n.curr >= max || (n.prev + n.curr) >> 1 >= max;
  }

  private status(n: Node): PikeStatus {
    if (this.hot(n)) return "HOT";
    return n.curr >= this.params.reqs_density_per_unit >> 2 ? "WARM" : "";
  }

  /** Move the node's counters to the current window; an address that cooled down is released. */
  private rotate(key: string, n: Node, now: number): void {
    const w = Math.floor(now / this.unitMs);
    if (w === n.window) return;
    n.prev = w === n.window + 1 ? n.curr : 0;
    n.curr = 0;
    n.window = w;
    if (n.red && !this.hot(n)) {
      n.red = false;
      this.log("info", `PIKE - UNBLOCKing ip ${key}`);
    }
  }
}

/** Canonical text of an address (IPv4-mapped IPv6 as IPv4); null when it is not an IP address. */
function addressKey(ip: string): string | null {
  // Plain dotted quads are by far the most common: skip the parser for them.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip;
  return parseIp(ip)?.text ?? null;
}
