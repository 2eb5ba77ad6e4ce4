/**
 * The runtime variables sipd declares, with Kamailio's group/variable names:
 * - pstn.gw_ip, pstn.gw_port, voicemail.srv_ip, voicemail.srv_port: the default kamailio.cfg's custom
 *   cfg groups (`pstn.gw_ip = "" desc "PSTN GW Address"` ...), read by route[PSTN] / route[TOVOICEMAIL];
 * - core.debug: the log level (Kamailio: -5 alert ... 3 debug);
 * - tm.fr_timer, tm.fr_inv_timer: final-response timers in ms;
 * - registrar.default_expires, min_expires, max_expires: registration expiry bounds in s.
 * Start values come from the config file (cfgInitialValues); cfg.set changes them at runtime.
 */
import type { Config } from "@switchboard/config";
import { CfgStore, type CfgValue, type CfgVarDef } from "./store.ts";

/** Kamailio's log levels (L_ALERT -5 ... L_DBG 3) against the config file's names. */
const LOG_LEVELS = [
  ["error", -1],
  ["warn", 0],
  ["notice", 1],
  ["info", 2],
  ["debug", 3],
] as const;

export type LogLevelName = (typeof LOG_LEVELS)[number][0];

/** core.debug for a config log level name. */
export function logLevelToDebug(level: LogLevelName): number {
  return LOG_LEVELS.find(([n]) => n === level)?.[1] ?? 2;
}

/** The log level name a core.debug value means (below error: error; above debug: debug). */
export function debugToLogLevel(debug: number): LogLevelName {
  if (debug <= -1) return "error";
  if (debug >= 3) return "debug";
  return LOG_LEVELS.find(([, d]) => d === debug)?.[0] ?? "info";
}

/** A host for a SIP URI: empty (unset), a name, IPv4, or IPv6 in brackets. */
function hostProblem(v: CfgValue): string | undefined {
  const s = String(v);
  if (s === "" || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s) || /^\[[0-9A-Fa-f:.]+\]$/.test(s))
    return;
  return "expected a host name, an IPv4 address or an IPv6 address in brackets";
}

function portProblem(v: CfgValue): string | undefined {
  const s = String(v);
  if (s === "") return;
  const n = Number(s);
  return /^\d{1,5}$/.test(s) && n >= 1 && n <= 65535 ? undefined : "expected a port 1-65535 or empty";
}

/** registrar.min_expires must not exceed a non-zero max_expires (and the other way round). */
function expiresOrder(which: "min" | "max") {
  return (v: CfgValue, store: CfgStore): string | undefined => {
    const other = which === "min" ? "max_expires" : "min_expires";
    if (!store.has("registrar", other)) return;
    const o = store.getInt("registrar", other);
    const [min, max] = which === "min" ? [Number(v), o] : [o, Number(v)];
    if (max > 0 && min > max) return `min_expires (${min}) must not exceed max_expires (${max})`;
  };
}

const INT_MAX = 2_147_483_647;

export const CFG_DEFS: readonly CfgVarDef[] = [
  { group: "core", name: "debug", type: "int", default: 2, min: -5, max: 4, doc: "debug level" },
  {
    group: "tm",
    name: "fr_timer",
    type: "int",
    default: 30_000,
    min: 100,
    max: INT_MAX,
    doc: "timer which hits if no final reply for a request or ACK for a negative INVITE reply arrives (in milliseconds)",
  },
  {
    group: "tm",
    name: "fr_inv_timer",
    type: "int",
    default: 120_000,
    min: 100,
    max: INT_MAX,
    doc: "timer which hits if no final reply for an INVITE arrives after a provisional message was received (in milliseconds)",
  },
  {
    group: "registrar",
    name: "default_expires",
    type: "int",
    default: 3600,
    min: 0,
    max: INT_MAX,
    doc: "Contains number of second to expire if no expire hf or contact expire present",
  },
  {
    group: "registrar",
    name: "min_expires",
    type: "int",
    default: 60,
    min: 0,
    max: INT_MAX,
    doc: "The minimum expires value of a Contact. Value 0 disables the checking.",
    validate: expiresOrder("min"),
  },
  {
    group: "registrar",
    name: "max_expires",
    type: "int",
    default: 3600,
    min: 0,
    max: INT_MAX,
    doc: "The maximum expires value of a Contact. Value 0 disables the checking.",
    validate: expiresOrder("max"),
  },
  {
    group: "pstn",
    name: "gw_ip",
    type: "string",
    default: "",
    doc: "PSTN GW Address",
    validate: hostProblem,
  },
  { group: "pstn", name: "gw_port", type: "string", default: "", doc: "PSTN GW Port", validate: portProblem },
  {
    group: "voicemail",
    name: "srv_ip",
    type: "string",
    default: "",
    doc: "VoiceMail IP Address",
    validate: hostProblem,
  },
  {
    group: "voicemail",
    name: "srv_port",
    type: "string",
    default: "5060",
    doc: "VoiceMail Port",
    validate: portProblem,
  },
];

/** Start values from the config file, keyed "group.name" (CfgStore's `initial`). */
export function cfgInitialValues(config: Config): Record<string, CfgValue> {
  return {
    "core.debug": logLevelToDebug(config.log.level),
    "tm.fr_timer": config.tm.frTimer,
    "tm.fr_inv_timer": config.tm.frInvTimer,
    "registrar.default_expires": config.registrar.defaultExpires,
    "registrar.max_expires": config.registrar.maxExpires,
    "registrar.min_expires": config.registrar.minExpires,
    "pstn.gw_ip": config.pstn.gwIp,
    "pstn.gw_port": config.pstn.gwPort,
    "voicemail.srv_ip": config.voicemail.srvIp,
    // Empty in the config file means Kamailio's default port.
    "voicemail.srv_port": config.voicemail.srvPort || "5060",
  };
}

/** The store sipd runs with: every CFG_DEFS variable, started from the config file. */
export function createCfgStore(config?: Config): CfgStore {
  return new CfgStore(CFG_DEFS, config ? cfgInitialValues(config) : {});
}
