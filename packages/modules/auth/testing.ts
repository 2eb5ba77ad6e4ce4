/** Test helper: a digest client answering a challenge the way a SIP UA does (RFC 2617 §3.2.2). */
import { calcHA1, calcResponse, digestAlgorithm } from "./digest.ts";

/** Params of a WWW-/Proxy-Authenticate value. */
export function challengeParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.replace(/^Digest\s+/i, "").matchAll(/([\w-]+)=("([^"]*)"|[^,\s]+)/g))
    out[m[1]] = m[3] ?? m[2];
  return out;
}

export interface AnswerOptions {
  username: string;
  password: string;
  method: string;
  uri: string;
  /** Nonce-count, 1 for the first use of the nonce. */
  nc?: number;
  cnonce?: string;
  /** Answer without qop (RFC 2069 style) even when offered. */
  noQop?: boolean;
  /** Override the realm sent back. */
  realm?: string;
}

/** The Authorization value answering `challenge`. */
export function answer(challenge: string, o: AnswerOptions): string {
  const ch = challengeParams(challenge);
  const alg = digestAlgorithm(ch.algorithm)!;
  const realm = o.realm ?? ch.realm;
  const qop = o.noQop || !ch.qop ? undefined : "auth";
  const nc = (o.nc ?? 1).toString(16).padStart(8, "0");
  const cnonce = o.cnonce ?? "0a4f113b";
  const response = calcResponse({
    alg,
    ha1: calcHA1(alg, o.username, realm, o.password),
    nonce: ch.nonce,
    method: o.method,
    uri: o.uri,
    qop,
    nc,
    cnonce,
  });
  let v = `Digest username="${o.username}", realm="${realm}", nonce="${ch.nonce}", uri="${o.uri}", response="${response}", algorithm=${alg.name}`;
  if (qop) v += `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`;
  return v;
}
