/**
 * Server nonces, in the spirit of Kamailio's auth nonce.c/nc.c: a nonce carries its own expiry and is
 * signed with the server secret, so checking one needs no per-challenge state; nonce-counts are tracked in
 * a fixed-size array indexed by a nonce id carried in the nonce, so memory stays bounded whatever the
 * challenge rate (a nonce whose slot was reused by a newer one is treated as stale, like Kamailio's
 * nc id overflow).
 *
 * Layout (32 bytes, base64url): expires u32 | issued u32 | nonce id u32 | process tag u32 | HMAC-SHA256
 * of the first 16 bytes, truncated to 16.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type NonceCheck = "ok" | "stale" | "invalid" | "reused";

export interface NonceOptions {
  secret: string;
  /** Seconds a nonce is valid. */
  expire: number;
  /** Track nonce-counts (replay protection for qop responses). */
  nonceCount: boolean;
  ncArraySize: number;
  /** Clock in milliseconds. */
  now: () => number;
}

const BODY = 16;
const MAC = 16;

export class NonceManager {
  private readonly key: Buffer;
  /** Tells this process's nonces apart: only they have nonce-count state here. */
  private readonly tag = randomBytes(4).readUInt32BE(0);
  private nid = 0;
  private readonly owner: Uint32Array;
  private readonly lastNc: Uint32Array;

  constructor(private readonly opts: NonceOptions) {
    this.key = opts.secret ? Buffer.from(opts.secret) : randomBytes(32);
    const size = opts.nonceCount ? Math.max(1, opts.ncArraySize) : 1;
    this.owner = new Uint32Array(size);
    this.lastNc = new Uint32Array(size);
  }

  private nowSec(): number {
    return Math.floor(this.opts.now() / 1000);
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.key).update(body).digest().subarray(0, MAC);
  }

  /** A fresh nonce valid for `expire` seconds. */
  create(): string {
    const now = this.nowSec();
    this.nid = (this.nid + 1) >>> 0 || 1;
    const body = Buffer.alloc(BODY);
    body.writeUInt32BE((now + this.opts.expire) >>> 0, 0);
    body.writeUInt32BE(now >>> 0, 4);
    body.writeUInt32BE(this.nid, 8);
    body.writeUInt32BE(this.tag, 12);
    if (this.opts.nonceCount) {
      const slot = this.nid % this.owner.length;
      this.owner[slot] = this.nid;
      this.lastNc[slot] = 0;
    }
    return Buffer.concat([body, this.mac(body)]).toString("base64url");
  }

  /**
   * Validates a nonce from credentials. `nc` (hex, from a qop response) is recorded: a later response must
   * carry a higher one, so a captured request cannot be replayed while the nonce is still fresh.
   */
  check(nonce: string, nc?: string): NonceCheck {
    const raw = Buffer.from(nonce, "base64url");
    if (raw.length !== BODY + MAC || raw.toString("base64url") !== nonce) return "invalid";
    const body = raw.subarray(0, BODY);
    if (!timingSafeEqual(raw.subarray(BODY), this.mac(body))) return "invalid";
    if (this.nowSec() > body.readUInt32BE(0)) return "stale";
    if (!this.opts.nonceCount || nc === undefined || body.readUInt32BE(12) !== this.tag) return "ok";
    const nid = body.readUInt32BE(8);
    const slot = nid % this.owner.length;
    if (this.owner[slot] !== nid) return "stale";
    const count = Number.parseInt(nc, 16);
    if (!(count > this.lastNc[slot])) return "reused";
    this.lastNc[slot] = count;
    return "ok";
  }
}
