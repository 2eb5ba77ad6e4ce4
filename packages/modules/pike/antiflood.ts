/**
 * The anti-flood part of the default kamailio.cfg route[REQINIT], as two decisions the routing
 * script applies in this order:
 *
 *   #!ifdef WITH_ANTIFLOOD
 *   if (src_ip != myself) {
 *     if ($sht(ipban=>$si) != $null) { xdbg("request from blocked IP - ..."); exit; }       -> drop
 *     if (!pike_check_req()) { xlog("L_ALERT", "ALERT: pike blocking ..."); $sht(ipban=>$si) = 1; exit; }
 *   }
 *   #!endif
 *   if ($ua =~ "friendly|scanner|sipcli|sipvicious|VaxSIPUserAgent|pplsip") { sl_send_reply("200", "OK"); exit; }
 *
 * - floodCheck(): a banned source is dropped silently (no reply, `exit`); a source pike finds flooding
 *   is banned in `ipban` for that table's autoexpire (300 s in the default config), logged at alert
 *   level, and dropped. Requests from our own addresses are never checked (loops to self).
 * - scannerCheck(): scanners are answered "200 OK" and the request goes no further, as the default
 *   configuration's WITH_ANTIFLOOD block does (Kamailio 4.x answered; from 5.x the reply line is commented
 *   out, i.e. a silent drop: set scanner_reply to 0 for that). The User-Agent list is the one of current
 *   Kamailio configs; the comparison is case-insensitive like the cfg `=~` operator.
 */
import type { Htable } from "../htable/table.ts";
import type { Pike } from "./pike.ts";

export interface FloodRequest {
  /** Source address ($si) and port ($sp). */
  srcIp: string;
  srcPort: number;
  /** Request method ($rm) and From URI ($fu), for the log lines. */
  method: string;
  fromUri: string;
  /** `src_ip == myself`: the request comes from one of our own addresses. */
  srcIsMyself: boolean;
}

export type AntifloodVerdict =
  | { action: "continue" }
  /** exit without a reply */
  | { action: "drop"; reason: "banned" | "flood" | "scanner" }
  /** sl_send_reply(code, reason) then exit */
  | { action: "reply"; code: 200; reason: "OK"; why: "scanner" };

export type AntifloodLog = (level: "alert" | "debug", msg: string) => void;

const CONTINUE: AntifloodVerdict = { action: "continue" };

/** The WITH_ANTIFLOOD ipban + pike block. */
export function floodCheck(
  req: FloodRequest,
  deps: { pike: Pike; ipban: Htable; log?: AntifloodLog },
): AntifloodVerdict {
  if (req.srcIsMyself) return CONTINUE;
  const where = `${req.method} from ${req.fromUri} (IP:${req.srcIp}:${req.srcPort})`;
  if (deps.ipban.has(req.srcIp)) {
    deps.log?.("debug", `request from blocked IP - ${where}`);
    return { action: "drop", reason: "banned" };
  }
  if (deps.pike.checkIp(req.srcIp) !== 1) {
    deps.log?.("alert", `ALERT: pike blocking ${where}`);
    deps.ipban.set(req.srcIp, 1);
    return { action: "drop", reason: "flood" };
  }
  return CONTINUE;
}

export interface ScannerParams {
  /** User-Agent pattern of scanners (default: Kamailio's list). */
  scanner_ua?: RegExp;
  /** 1 (default): answer 200 OK then stop; 0: drop silently. */
  scanner_reply?: 0 | 1;
}

export const SCANNER_UA = /friendly|scanner|sipcli|sipvicious|VaxSIPUserAgent|pplsip/i;

/** The `$ua =~ "friendly|scanner|..."` test of REQINIT. */
export function scannerCheck(userAgent: string | undefined, params: ScannerParams = {}): AntifloodVerdict {
  if (!userAgent || !(params.scanner_ua ?? SCANNER_UA).test(userAgent)) return CONTINUE;
  return params.scanner_reply === 0
    ? { action: "drop", reason: "scanner" }
    : { action: "reply", code: 200, reason: "OK", why: "scanner" };
}
