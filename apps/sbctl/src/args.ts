/**
 * Pure argument handling of sbctl: global options, accounts (user@domain), numbers, and which RPC node to talk to.
 * Every problem with what the user typed is a UsageError (exit code 2); everything else is a runtime error (exit 1).
 */
import type { RpcNode } from "@switchboard/rpc/client";

export class UsageError extends Error {
  override name = "UsageError";
  /** The synopsis to show with the message; by default the command's own. */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  url?: string;
  token?: string;
  xml: boolean;
  timeoutMs?: number;
  json: boolean;
  /** switchboard.config.json to read (else SWITCHBOARD_CONFIG, else ./switchboard.config.json) */
  config?: string;
  help: boolean;
}

/** Options taking a value; "--name value" and "--name=value" both work. */
const VALUE_OPTIONS = new Set(["--url", "--token", "--timeout", "--config"]);

/**
 * Splits argv into global options and positional words. Options may stand anywhere before `--`; after the
 * word `rpc` everything is left to the rpc command (it reads its own flags: `sbctl rpc --xml core.version`).
 */
export function parseGlobalArgs(argv: string[]): { opts: GlobalOptions; words: string[] } {
  const opts: GlobalOptions = { xml: false, json: false, help: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (words[0] === "rpc") {
      words.push(arg);
      continue;
    }
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      opts.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (name === "--json" || name === "--xml") {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      opts[name === "--json" ? "json" : "xml"] = true;
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown option ${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    if (name === "--url") opts.url = value;
    else if (name === "--token") opts.token = value;
    else if (name === "--config") opts.config = value;
    else opts.timeoutMs = positiveInt(value, "--timeout");
  }
  return { opts, words };
}

export function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${what} must be a positive integer, got "${text}"`);
  return n;
}

/** A signed integer column value (setid, flags, priority, dpid); Kamailio's `int` columns are 32-bit. */
export function intArg(text: string, what: string): number {
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || n < -2147483648 || n > 2147483647)
    throw new UsageError(`${what} must be an integer, got "${text}"`);
  return n;
}

export interface Account {
  username: string;
  domain: string;
}

/** Column width of username/domain in subscriber and dbaliases (Kamailio schema). */
const NAME_MAX = 64;
const USER_CHARS = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const DOMAIN_CHARS = /^([A-Za-z0-9\-.]+|\[[0-9A-Fa-f:.]+\])$/;

/**
 * "alice@example.com" (or "sip:alice@example.com"); a bare "alice" takes the default domain, as kamctl takes
 * SIP_DOMAIN from kamctlrc. User characters per RFC 3261 §25.1 (unreserved / escaped / user-unreserved).
 */
export function parseAccount(text: string, defaultDomain: string, what = "account"): Account {
  const bare = text.replace(/^sips?:/i, "");
  const at = bare.lastIndexOf("@");
  const username = at < 0 ? bare : bare.slice(0, at);
  const domain = (at < 0 ? defaultDomain : bare.slice(at + 1)).toLowerCase();
  if (!username || !USER_CHARS.test(username))
    throw new UsageError(`${what} "${text}": expected user@domain with a non-empty SIP user part`);
  if (!domain || !DOMAIN_CHARS.test(domain))
    throw new UsageError(`${what} "${text}": "${domain}" is not a domain name`);
  if (username.length > NAME_MAX || domain.length > NAME_MAX)
    throw new UsageError(`${what} "${text}": user and domain are at most ${NAME_MAX} characters each`);
  return { username, domain };
}

export const accountText = (a: Account) => `${a.username}@${a.domain}`;

/** A dispatcher destination: a SIP URI (dispatcher-create: destination varchar(192)). */
export function parseSipUri(text: string): string {
  if (!/^sips?:[^\s]+$/i.test(text)) throw new UsageError(`"${text}" is not a SIP URI (sip:host[:port])`);
  if (text.length > 192) throw new UsageError("a destination is at most 192 characters");
  return text;
}

/** The RPC listener of the local config, as a URL a client can reach (a wildcard bind becomes loopback). */
export function configRpcUrl(listen: string, protocol: RpcNode["protocol"]): string {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  const host = m ? (m[1] ?? m[2]) : "127.0.0.1";
  const port = m ? m[3] : "5071";
  const reach = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const shown = reach.includes(":") ? `[${reach}]` : reach;
  // Kamailio's xmlrpc module is conventionally mounted on /RPC2; sipd serves /RPC and /RPC2 alike.
  return `http://${shown}:${port}/${protocol === "xmlrpc" ? "RPC2" : "RPC"}`;
}

/**
 * The node to control: --url, else SBCTL_URL, else the RPC listener of switchboard.config.json (default
 * http://127.0.0.1:5071/RPC); token: --token, else SBCTL_TOKEN, else the config's rpc.token.
 */
export function resolveNode(
  opts: GlobalOptions,
  env: Record<string, string | undefined>,
  config: () => { rpc: { listen: string; token: string } },
): RpcNode {
  const protocol = opts.xml || env.SBCTL_PROTOCOL === "xmlrpc" ? "xmlrpc" : "jsonrpc";
  const url = opts.url || env.SBCTL_URL || configRpcUrl(config().rpc.listen, protocol);
  const token = opts.token ?? (env.SBCTL_TOKEN || config().rpc.token);
  return { url, protocol, token: token || undefined, timeoutMs: opts.timeoutMs };
}
