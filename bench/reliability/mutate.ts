/**
 * Mutated SIP messages for `npm run reliability:fuzz`: a corpus of seeds (the RFC 4475 torture
 * messages from packages/sip plus well-formed requests aimed at sipd itself, which reach deeper into
 * the routing script), and mutations of them drawn from a seeded PRNG so a run can be replayed.
 *
 * Every seed gets a loopback Via with rport on top and loses its Route headers: replies come back to
 * the fuzzer (RFC 3261 §18.2.2) and a mutated message has nowhere to be relayed to. The fuzzer
 * checks core:fwd_requests at the end all the same.
 */
import * as rfc4475 from "../../packages/sip/src/rfc4475.fixtures.ts";

/** mulberry32 */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}
export type Rnd = ReturnType<typeof prng>;

const SDP =
  "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";

/** Requests to sipd's own address and users, in the shapes the default script handles. */
function localSeeds(target: string): Buffer[] {
  const req = (method: string, ruri: string, extra: string[] = [], body = "", toTag = "") =>
    Buffer.from(
      [
        `${method} ${ruri} SIP/2.0`,
        "Max-Forwards: 70",
        `From: "Fuzz" <sip:fuzz@switchboard.local>;tag=fz${method.length}`,
        `To: <sip:bob@${target}>${toTag}`,
        `Call-ID: fuzz-${method.toLowerCase()}@127.0.0.1`,
        `CSeq: 17 ${method}`,
        "Contact: <sip:fuzz@127.0.0.1:5999;transport=udp>;expires=60",
        ...extra,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
    );
  return [
    req("OPTIONS", `sip:${target}`, ["Accept: application/sdp"]),
    req("INVITE", `sip:bob@${target}`, ["Content-Type: application/sdp", "Supported: 100rel, timer"], SDP),
    req("INVITE", `sip:+442071234567@${target};user=phone`, ["Content-Type: application/sdp"], SDP),
    req("REGISTER", `sip:${target}`, [
      "Expires: 3600",
      'Authorization: Digest username="fuzz", realm="switchboard.local", nonce="abc", uri="sip:x", response="00"',
    ]),
    req("BYE", `sip:bob@${target}`, [], "", ";tag=t9"),
    req("ACK", `sip:bob@${target}`, [], "", ";tag=t9"),
    req("CANCEL", `sip:bob@${target}`),
    req("MESSAGE", `sip:bob@${target}`, ["Content-Type: text/plain;charset=utf-8"], "h\u00e9llo \u2603"),
    req("SUBSCRIBE", `sip:bob@${target}`, ["Event: presence", "Expires: 600"]),
    req("PRACK", `sip:bob@${target}`, ["RAck: 1 17 INVITE"], "", ";tag=t9"),
  ];
}

const RFC4475: Buffer[] = Object.values(rfc4475).filter((v): v is Buffer => Buffer.isBuffer(v));

/** Puts our Via on top and drops Route headers (after a response's status line too). */
function aimAtFuzzer(seed: Buffer, via: string): Buffer {
  const text = seed.toString("latin1");
  const eol = text.indexOf("\r\n");
  if (eol < 0) return seed;
  const headEnd = text.indexOf("\r\n\r\n");
  const head = text
    .slice(eol, headEnd < 0 ? text.length : headEnd)
    .replace(/\r\n(route|x-route)\s*:[^\r]*/gi, "");
  const rest = headEnd < 0 ? "" : text.slice(headEnd);
  return Buffer.from(`${text.slice(0, eol)}\r\nVia: ${via}${head}${rest}`, "latin1");
}

/** The seeds, with a Via naming the fuzzer's address (`via` is its sent-by). */
export function corpus(
  target: string,
  viaFor: (proto: "UDP" | "TCP") => string,
): Record<"UDP" | "TCP", Buffer[]> {
  const seeds = [...RFC4475, ...localSeeds(target)];
  return {
    UDP: seeds.map((s) => aimAtFuzzer(s, viaFor("UDP"))),
    TCP: seeds.map((s) => aimAtFuzzer(s, viaFor("TCP"))),
  };
}

const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xfe],
  [0xc3, 0x28],
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0x80],
  [0xe2, 0x82],
  [0x00],
].map((b) => Buffer.from(b));

const SPECIALS = Buffer.from(':;,<>"\\%@= \t\r\n\0/?&');

const CONTENT_LENGTHS = [
  "-1",
  "-0",
  "99999999999999999999",
  "4294967296",
  "abc",
  "1e3",
  " 12 13",
  "",
  "0x10",
  "+5",
  "150, 150",
];

const NUMBERS = [
  "0",
  "-1",
  "4294967296",
  "18446744073709551616",
  "99999999999999999999999",
  "1.5",
  "0x7f",
  "",
  "NaN",
];

export const MUTATIONS = [
  "bit flips",
  "special bytes",
  "truncation",
  "huge header",
  "bad Content-Length",
  "invalid UTF-8",
  "line endings",
  "header shuffle",
  "parameter flood",
  "garbage",
  "number overflow",
  "splice",
] as const;

function headerSpan(buf: Buffer): { start: number; end: number } {
  const start = buf.indexOf("\r\n") + 2;
  const end = buf.indexOf("\r\n\r\n");
  return { start: Math.max(2, start), end: end < 0 ? buf.length : end };
}

/**
 * One mutated message from `seeds`; `max` caps its size (a UDP datagram's limit). `only` (an index
 * of MUTATIONS) restricts the run to one kind, to see what a kind costs.
 */
export function mutate(
  rnd: Rnd,
  seeds: readonly Buffer[],
  max: number,
  only = -1,
): { kind: number; data: Buffer } {
  const seed = rnd.pick(seeds);
  const kind = only >= 0 ? only : rnd.int(MUTATIONS.length);
  let out: Buffer;
  switch (kind) {
    case 0: {
      out = Buffer.from(seed);
      for (let i = 1 + rnd.int(12); i > 0; i--) out[rnd.int(out.length)] ^= 1 << rnd.int(8);
      break;
    }
    case 1: {
      out = Buffer.from(seed);
      for (let i = 1 + rnd.int(6); i > 0; i--) out[rnd.int(out.length)] = SPECIALS[rnd.int(SPECIALS.length)];
      break;
    }
    case 2:
      out = seed.subarray(0, rnd.int(seed.length));
      break;
    case 3: {
      const { start } = headerSpan(seed);
      const size = rnd.pick([1_000, 8_000, 40_000, 66_000, 200_000, 1_000_000]);
      const name = rnd.pick(["X-Huge", "Via", "Contact", "Subject", "Authorization", "To", "Call-ID"]);
      const filler = rnd.next() < 0.5 ? "A".repeat(size) : `<sip:${"a".repeat(size)}@127.0.0.1>`;
      out = Buffer.concat([
        seed.subarray(0, start),
        Buffer.from(`${name}: ${filler}\r\n`),
        seed.subarray(start),
      ]);
      break;
    }
    case 4: {
      const text = seed.toString("latin1");
      const value = rnd.pick(CONTENT_LENGTHS);
      const replaced = text.replace(/\r\n(Content-Length|l)[ \t]*:[^\r]*/i, `\r\n$1: ${value}`);
      out = Buffer.from(
        replaced === text ? text.replace("\r\n", `\r\nContent-Length: ${value}\r\n`) : replaced,
        "latin1",
      );
      if (rnd.next() < 0.3) out = Buffer.concat([out, Buffer.from("trailing body bytes")]);
      break;
    }
    case 5: {
      const at = rnd.int(seed.length);
      out = Buffer.concat([seed.subarray(0, at), rnd.pick(INVALID_UTF8), seed.subarray(at)]);
      break;
    }
    case 6: {
      const eol = rnd.pick(["\n", "\r", "\r\r\n", "\r\n ", "\n\r"]);
      const text = seed.toString("latin1");
      out = Buffer.from(
        rnd.next() < 0.5
          ? text.replaceAll("\r\n", eol)
          : text.replace(/\r\n/g, (m) => (rnd.next() < 0.2 ? eol : m)),
        "latin1",
      );
      break;
    }
    case 7: {
      const text = seed.toString("latin1");
      const cut = text.indexOf("\r\n\r\n");
      const lines = (cut < 0 ? text : text.slice(0, cut)).split("\r\n");
      const i = 1 + rnd.int(Math.max(1, lines.length - 1));
      const op = rnd.int(4);
      if (op === 0) lines.splice(i, 0, ...Array(1 + rnd.int(50)).fill(lines[i] ?? "X: y"));
      else if (op === 1) lines.splice(i, 1);
      else if (op === 2) lines[i] = (lines[i] ?? "").replace(":", "");
      else lines.splice(1 + rnd.int(lines.length - 1), 0, lines.splice(i, 1)[0] ?? "");
      out = Buffer.from(lines.join("\r\n") + (cut < 0 ? "" : text.slice(cut)), "latin1");
      break;
    }
    case 8: {
      const { start } = headerSpan(seed);
      const n = 1 + rnd.int(2000);
      const line = rnd.pick([
        () => `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${";p".repeat(n)}`,
        () =>
          `Contact: ${Array.from({ length: Math.min(n, 500) }, (_, k) => `<sip:u${k}@127.0.0.1>`).join(",")}`,
        () => `To: ${"<".repeat(n)}sip:x@127.0.0.1${">".repeat(rnd.int(n))}`,
        () => `From: "${'\\"'.repeat(n)}" <sip:x@127.0.0.1>;tag=1`,
        () =>
          Array.from(
            { length: Math.min(n, 400) },
            (_, k) => `Via: SIP/2.0/UDP 127.0.0.1:${5000 + k};branch=z9hG4bK${k}`,
          ).join("\r\n"),
        () =>
          `Authorization: Digest ${Array.from({ length: Math.min(n, 500) }, (_, k) => `p${k}="${k}"`).join(", ")}`,
      ])();
      out = Buffer.concat([seed.subarray(0, start), Buffer.from(`${line}\r\n`), seed.subarray(start)]);
      break;
    }
    case 9: {
      const junk = Buffer.alloc(1 + rnd.int(1500));
      for (let i = 0; i < junk.length; i++) junk[i] = rnd.int(256);
      const line = seed.subarray(0, seed.indexOf("\r\n") + 2);
      out = rnd.next() < 0.5 ? junk : Buffer.concat([line, junk]);
      break;
    }
    case 10: {
      const text = seed.toString("latin1");
      const target = rnd.pick([
        /(CSeq:\s*)\d+/i,
        /(Max-Forwards:\s*)\d+/i,
        /(Expires:\s*)\d+/i,
        /(SIP\/2\.0 )\d{3}/,
        /(:)\d{2,5}(?=[;>\s])/,
      ]);
      out = Buffer.from(text.replace(target, `$1${rnd.pick(NUMBERS)}`), "latin1");
      break;
    }
    default: {
      const other = rnd.pick(seeds);
      out = Buffer.concat([seed.subarray(0, rnd.int(seed.length)), other.subarray(rnd.int(other.length))]);
    }
  }
  return { kind, data: out.length > max ? out.subarray(0, max) : out };
}
