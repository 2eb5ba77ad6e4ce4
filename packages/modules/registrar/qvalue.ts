/**
 * Contact q-values (RFC 3261 §20.10: qvalue = "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]), kept as numbers
 * in 0..1 with three decimals at most, Q_UNSPECIFIED (-1) when absent.
 */
import { Q_UNSPECIFIED } from "../usrloc/index.ts";

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Kamailio str2q(): the q of a Contact param, undefined when malformed. */
export function parseQ(s: string): number | undefined {
  const t = s.trim();
  if (!QVALUE.test(t)) return undefined;
  return Math.round(Number(t) * 1000) / 1000;
}

/** Kamailio q2str(): "1", "0", "0.5", "0.125"; "" for Q_UNSPECIFIED (the reply then omits ;q=). */
export function formatQ(q: number): string {
  if (q === Q_UNSPECIFIED) return "";
  return String(Math.round(q * 1000) / 1000);
}
