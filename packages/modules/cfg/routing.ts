/**
 * Routing decisions of the default kamailio.cfg that depend on the runtime cfg variables, as pure
 * functions: route[PSTN], route[TOVOICEMAIL] and failure_route[MANAGE_FAILURE]'s 3xx / voicemail part.
 * The script passes the current values (store.getString("pstn", "gw_ip") ...), so a cfg.set applies
 * to the next request.
 */

/** Dialled numbers in international format: '+' or '00', then 4 to 21 digits not starting with 0. */
export const PSTN_NUMBER = /^(\+|00)[1-9][0-9]{3,20}$/;

export function isPstnNumber(ruriUser: string | null | undefined): boolean {
  return !!ruriUser && PSTN_NUMBER.test(ruriUser);
}

export type PstnDecision =
  /** route[PSTN] returns: routing goes on (LOCATION). */
  | { action: "continue"; why: "no-gateway" | "not-pstn" }
  /** sl_send_reply(403, "Not Allowed"); exit */
  | { action: "reply"; code: 403; reason: "Not Allowed" }
  /** $ru = ruri; route(RELAY) */
  | { action: "relay"; ruri: string };

/**
 * route[PSTN]:
 * - pstn.gw_ip empty: skip (Kamailio logs "PSTN routing enabled but pstn.gw_ip not defined");
 * - R-URI user not a PSTN number: skip;
 * - caller not local (from_uri != myself): 403 "Not Allowed";
 * - else relay to sip:<number>@gw_ip[:gw_port]. Kamailio 5.x+ configs first turn a leading "00" into
 *   "+" (normalize00, default on); the older config kept the number as dialled.
 * Which local users may call out (kamctlrc ACL groups ld/int) is the group module's check.
 */
export function pstnRoute(p: {
  ruriUser: string | null | undefined;
  fromLocal: boolean;
  gwIp: string;
  gwPort: string;
  normalize00?: boolean;
}): PstnDecision {
  if (!p.gwIp) return { action: "continue", why: "no-gateway" };
  if (!isPstnNumber(p.ruriUser)) return { action: "continue", why: "not-pstn" };
  if (!p.fromLocal) return { action: "reply", code: 403, reason: "Not Allowed" };
  const user = p.ruriUser as string;
  const number = p.normalize00 !== false && user.startsWith("00") ? `+${user.slice(2)}` : user;
  return { action: "relay", ruri: `sip:${number}@${p.gwIp}${p.gwPort ? `:${p.gwPort}` : ""}` };
}

/**
 * route[TOVOICEMAIL]: the voicemail R-URI, or null when voicemail does not apply (voicemail.srv_ip
 * empty, a method other than INVITE/SUBSCRIBE, no target user). An INVITE goes to the originally dialled
 * extension ($avp(oexten), saved in route[LOCATION] before lookup), a SUBSCRIBE to its R-URI user.
 */
export function voicemailUri(p: {
  method: string;
  oexten: string | null | undefined;
  ruriUser: string | null | undefined;
  srvIp: string;
  srvPort: string;
}): string | null {
  const m = p.method.toUpperCase();
  if ((m !== "INVITE" && m !== "SUBSCRIBE") || !p.srvIp) return null;
  const user = m === "INVITE" ? p.oexten : p.ruriUser;
  if (!user) return null;
  return `sip:${user}@${p.srvIp}:${p.srvPort}`;
}

export type FailureDecision =
  /** nothing to do here: the failure reply is relayed upstream */
  | { action: "none" }
  /** t_reply(404, "Not found"); exit: a 3xx redirect is blocked (WITH_BLOCK3XX) */
  | { action: "reply"; code: 404; reason: "Not found" }
  /** $du = $null; $ru = ruri; route(RELAY): busy or no answer goes to voicemail (WITH_VOICEMAIL) */
  | { action: "voicemail"; ruri: string };

/** failure_route[MANAGE_FAILURE] after route(NATMANAGE), for an INVITE whose branches failed. */
export function manageFailure(p: {
  status: number;
  canceled: boolean;
  withBlock3xx: boolean;
  withVoicemail: boolean;
  oexten: string | null | undefined;
  srvIp: string;
  srvPort: string;
}): FailureDecision {
  if (p.canceled) return { action: "none" };
  if (p.withBlock3xx && p.status >= 300 && p.status < 400)
    return { action: "reply", code: 404, reason: "Not found" };
  if (p.withVoicemail && (p.status === 486 || p.status === 408)) {
    const ruri = voicemailUri({
      method: "INVITE",
      oexten: p.oexten,
      ruriUser: null,
      srvIp: p.srvIp,
      srvPort: p.srvPort,
    });
    if (ruri) return { action: "voicemail", ruri };
  }
  return { action: "none" };
}
