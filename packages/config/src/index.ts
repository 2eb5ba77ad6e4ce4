/**
 * Switchboard configuration: one file (switchboard.config.json, or the path in
 * SWITCHBOARD_CONFIG) merged over built-in defaults, then environment overrides.
 * In the spirit of kamctlrc + kamailio.cfg's WITH_* defines: every key has a
 * default, so an empty file (or none) gives a working single-host setup.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

const listenSocket = z
  .string()
  .regex(
    /^(udp|tcp):(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/,
    "expected proto:host:port, e.g. udp:127.0.0.1:5060 or tcp:[::1]:5060",
  );
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:5071");
const port = z.coerce.number().int().min(1).max(65535);
const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, "expected an address or CIDR, e.g. 10.0.0.0/8");

export const configSchema = z.object({
  sip: z
    .object({
      /** The SIP domain served by default (kamctlrc SIP_DOMAIN). */
      domain: z.string().min(1).default("switchboard.local"),
      /** Sockets to bind, Kamailio-style: proto:host:port. */
      listen: z.array(listenSocket).min(1).default(["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"]),
      /** Address written into Via/Record-Route when behind NAT (Kamailio `advertise`). */
      advertise: z.string().default(""),
      /** Extra host names that are "myself" (Kamailio `alias=`). */
      aliases: z.array(z.string()).default([]),
      /** Maximum SIP message size in bytes; larger requests get 513. */
      maxMessageSize: z.number().int().min(1024).default(65535),
    })
    .prefault({}),
  database: z
    .object({
      /** mysql://user:pass@host:port/db. Empty: use the database lifecycle (local MariaDB). */
      url: z.string().default(""),
    })
    .prefault({}),
  rpc: z
    .object({
      listen: hostPort.default("127.0.0.1:5071"),
      /** Source networks allowed to call RPC. */
      allow: z.array(cidr).default(["127.0.0.0/8", "::1/128"]),
      /** Optional bearer token (also accepted as basic-auth password). */
      token: z.string().default(""),
      /** Optional JSON-RPC datagram socket (kamcli's jsonrpcs UDP transport), e.g. 127.0.0.1:5072; "" = off. */
      dgramListen: z.union([hostPort, z.literal("")]).default(""),
      maxBodyBytes: z.number().int().min(1024).default(1_048_576),
      timeoutMs: z.number().int().min(100).default(10_000),
    })
    .prefault({}),
  web: z
    .object({
      host: z.string().default("127.0.0.1"),
      port: port.default(3000),
    })
    .prefault({}),
  /** Feature switches, named after kamailio.cfg's WITH_* defines. */
  features: z
    .object({
      withMysql: z.boolean().default(true),
      withAuth: z.boolean().default(true),
      withUsrlocDb: z.boolean().default(true),
      withIpAuth: z.boolean().default(false),
      withNat: z.boolean().default(true),
      withAliasDb: z.boolean().default(true),
      withSpeedDial: z.boolean().default(true),
      withMultiDomain: z.boolean().default(false),
      withPstn: z.boolean().default(false),
      withAccDb: z.boolean().default(true),
      withAntiFlood: z.boolean().default(true),
      withVoicemail: z.boolean().default(false),
      withBlock3xx: z.boolean().default(false),
      withBlock401407: z.boolean().default(false),
      /** kamctlrc STORE_PLAINTEXT_PW: keep the clear password in subscriber.password. */
      storePlaintextPw: z.boolean().default(true),
    })
    .prefault({}),
  usrloc: z
    .object({
      /** 0 memory only, 1 write-through, 2 write-back, 3 database only. */
      dbMode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).default(2),
      /** Seconds between write-back flushes and expiry sweeps (usrloc timer_interval). */
      timerInterval: z.number().int().min(1).default(60),
      useDomain: z.boolean().default(false),
    })
    .prefault({}),
  registrar: z
    .object({
      minExpires: z.number().int().min(0).default(60),
      maxExpires: z.number().int().min(0).default(3600),
      defaultExpires: z.number().int().min(0).default(3600),
      maxContacts: z.number().int().min(0).default(0),
    })
    .prefault({}),
  auth: z
    .object({
      nonceExpire: z.number().int().min(1).default(30),
      calculateHa1: z.boolean().default(false),
      secret: z.string().default(""),
    })
    .prefault({}),
  tm: z
    .object({
      t1: z.number().int().min(10).default(500),
      t2: z.number().int().min(100).default(4000),
      t4: z.number().int().min(100).default(5000),
      frTimer: z.number().int().min(100).default(30_000),
      frInvTimer: z.number().int().min(100).default(120_000),
    })
    .prefault({}),
  pstn: z.object({ gwIp: z.string().default(""), gwPort: z.string().default("") }).prefault({}),
  voicemail: z.object({ srvIp: z.string().default(""), srvPort: z.string().default("") }).prefault({}),
  log: z
    .object({
      level: z.enum(["debug", "info", "notice", "warn", "error"]).default("info"),
      /** auto: pretty on a terminal, json otherwise (containers). */
      format: z.enum(["auto", "json", "text"]).default("auto"),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const bool = (v: string) => /^(1|true|yes|on)$/i.test(v);
const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Environment variables and where they land in the config tree. */
const ENV_MAP: Record<string, [string[], (v: string) => unknown]> = {
  DATABASE_URL: [["database", "url"], String],
  SIP_DOMAIN: [["sip", "domain"], String],
  SIP_LISTEN: [["sip", "listen"], list],
  SIP_ADVERTISE: [["sip", "advertise"], String],
  SIP_ALIASES: [["sip", "aliases"], list],
  RPC_LISTEN: [["rpc", "listen"], String],
  RPC_ALLOW: [["rpc", "allow"], list],
  RPC_TOKEN: [["rpc", "token"], String],
  RPC_DGRAM_LISTEN: [["rpc", "dgramListen"], String],
  WEB_HOST: [["web", "host"], String],
  WEB_PORT: [["web", "port"], String],
  USRLOC_DB_MODE: [["usrloc", "dbMode"], Number],
  AUTH_SECRET: [["auth", "secret"], String],
  PSTN_GW_IP: [["pstn", "gwIp"], String],
  PSTN_GW_PORT: [["pstn", "gwPort"], String],
  LOG_LEVEL: [["log", "level"], String],
  LOG_FORMAT: [["log", "format"], String],
};
const FEATURE_ENV: Record<string, string> = {
  WITH_AUTH: "withAuth",
  WITH_USRLOCDB: "withUsrlocDb",
  WITH_IPAUTH: "withIpAuth",
  WITH_NAT: "withNat",
  WITH_ALIASDB: "withAliasDb",
  WITH_SPEEDDIAL: "withSpeedDial",
  WITH_MULTIDOMAIN: "withMultiDomain",
  WITH_PSTN: "withPstn",
  WITH_ACCDB: "withAccDb",
  WITH_ANTIFLOOD: "withAntiFlood",
  WITH_VOICEMAIL: "withVoicemail",
  WITH_BLOCK3XX: "withBlock3xx",
  STORE_PLAINTEXT_PW: "storePlaintextPw",
};

function setPath(obj: Record<string, unknown>, path: string[], value: unknown) {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (typeof cur[key] !== "object" || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

/** Parse a raw object (file content + overrides); throws ConfigError naming the key and the reason. */
export function parseConfig(raw: unknown): Config {
  const res = configSchema.safeParse(raw);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const key = issue.path.join(".") || "(root)";
  throw new ConfigError(`invalid config ${key}: ${issue.message}`);
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Config file path; default SWITCHBOARD_CONFIG or ./switchboard.config.json when present. */
  file?: string;
  /** Extra values merged over the file, below the environment. */
  overrides?: Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.SWITCHBOARD_CONFIG ?? findDefaultFile();
  let raw: Record<string, unknown> = {};
  if (file) {
    // The path is computed at run time: tell Turbopack not to trace the whole project for it.
    if (!existsSync(/* turbopackIgnore: true */ file))
      throw new ConfigError(`config file ${file}: not found`);
    try {
      raw = JSON.parse(readFileSync(/* turbopackIgnore: true */ file, "utf8"));
    } catch (e) {
      throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
    }
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {}))
    raw[k] = { ...(raw[k] as object), ...(v as object) };
  for (const [name, [path, conv]] of Object.entries(ENV_MAP)) {
    const v = env[name];
    if (v !== undefined && v !== "") setPath(raw, path, conv(v));
  }
  for (const [name, key] of Object.entries(FEATURE_ENV)) {
    const v = env[name];
    if (v !== undefined && v !== "") setPath(raw, ["features", key], bool(v));
  }
  return parseConfig(raw);
}

function findDefaultFile(): string | undefined {
  const p = resolve(process.cwd(), "switchboard.config.json");
  return existsSync(/* turbopackIgnore: true */ p) ? p : undefined;
}

/** Split "udp:127.0.0.1:5060" / "tcp:[::1]:5060" into its parts. */
export function parseListen(spec: string): { proto: "udp" | "tcp"; host: string; port: number } {
  const m = /^(udp|tcp):(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(spec);
  if (!m) throw new ConfigError(`invalid listen socket ${spec}: expected proto:host:port`);
  return { proto: m[1] as "udp" | "tcp", host: m[2] ?? m[3], port: Number(m[4]) };
}

/** Split "127.0.0.1:5071" / "[::1]:5071". */
export function parseHostPort(spec: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(spec);
  if (!m) throw new ConfigError(`invalid address ${spec}: expected host:port`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

/** Run `main`, turning a ConfigError (or any startup error) into one readable line and exit code 1. */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (e) {
    const err = e as Error;
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
