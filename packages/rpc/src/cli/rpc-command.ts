/**
 * `sbctl rpc <method> [params...]`: run one RPC command on a node, like kamcmd.
 *
 *   sbctl rpc core.version
 *   sbctl rpc dispatcher.set_state ip 1 sip:10.0.0.11:5060
 *   sbctl rpc ul.lookup location s:1000          # s: keeps "1000" a string
 *   sbctl rpc --xml --url http://10.0.0.2:5060/RPC2 system.listMethods
 *
 * Params are typed like kamcmd's: an integer stays an integer, a decimal number becomes a double, anything else
 * is a string; the prefixes s: (string), i: (integer) and d:/f: (double) force the type.
 * Node: --url (env SBCTL_URL, default http://127.0.0.1:5071/RPC, or /RPC2 with XML-RPC), --token (env SBCTL_TOKEN),
 * --xml for XML-RPC (env SBCTL_PROTOCOL=xmlrpc), --timeout ms. Output: strings as they are, everything else as indented JSON;
 * --json prints the result as one line of JSON.
 */
import { createRpcClient, type RpcNode } from "../client.ts";
import { RpcClientError } from "../errors.ts";
import { stringifyJson } from "../json.ts";

export const DEFAULT_SBCTL_URL = "http://127.0.0.1:5071/RPC";
/** Kamailio's xmlrpc module is usually mounted on /RPC2 (url_match "^/RPC2"); sipd serves both paths. */
export const DEFAULT_SBCTL_XML_URL = "http://127.0.0.1:5071/RPC2";

export const RPC_COMMAND_USAGE = `usage: sbctl rpc [--url URL] [--token TOKEN] [--xml] [--timeout MS] [--json] <method> [params...]
  params: 42 -> int, 1.5 -> double, other -> string; force with s:, i:, d: (e.g. s:1000)
  env: SBCTL_URL (default ${DEFAULT_SBCTL_URL}, ${DEFAULT_SBCTL_XML_URL} with --xml), SBCTL_TOKEN,
       SBCTL_PROTOCOL=jsonrpc|xmlrpc`;

const INT = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One command-line param, typed as kamcmd does. Throws on a forced type that does not fit. */
export function parseKamcmdParam(arg: string): string | number {
  const prefix = arg.slice(0, 2);
  const rest = arg.slice(2);
  if (prefix === "s:") return rest;
  if (prefix === "i:") {
    if (!INT.test(rest)) throw new Error(`not an integer: ${arg}`);
    return Number(rest);
  }
  if (prefix === "d:" || prefix === "f:") {
    if (!INT.test(rest) && !DOUBLE.test(rest)) throw new Error(`not a number: ${arg}`);
    return Number(rest);
  }
  if (INT.test(arg) && Number.isSafeInteger(Number(arg))) return Number(arg);
  if (DOUBLE.test(arg)) return Number(arg);
  return arg;
}

export interface RpcCommandOptions {
  node: RpcNode;
  method: string;
  params: Array<string | number>;
  json: boolean;
}

/** Reads flags and positional args (flags may come before the method). Throws Error with a usage hint. */
export function parseRpcCommandArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): RpcCommandOptions {
  let url = env.SBCTL_URL;
  let token = env.SBCTL_TOKEN;
  let protocol: RpcNode["protocol"] = env.SBCTL_PROTOCOL === "xmlrpc" ? "xmlrpc" : "jsonrpc";
  let timeoutMs: number | undefined;
  let json = false;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (positional.length > 0 || !arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    if (name === "--url") url = value();
    else if (name === "--token") token = value();
    else if (name === "--xml") protocol = "xmlrpc";
    else if (name === "--json") json = true;
    else if (name === "--timeout") {
      timeoutMs = Number(value());
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new Error("--timeout needs a positive integer (ms)");
    } else if (name === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    } else throw new Error(`unknown option ${name}`);
  }
  const [method, ...rest] = positional;
  if (!method) throw new Error("missing method");
  return {
    node: {
      url: url || (protocol === "xmlrpc" ? DEFAULT_SBCTL_XML_URL : DEFAULT_SBCTL_URL),
      protocol,
      token: token || undefined,
      timeoutMs,
    },
    method,
    params: rest.map(parseKamcmdParam),
    json,
  };
}

/** Result as printed: strings raw, other values as indented JSON (dates/bytes as the JSON codec writes them). */
export function formatRpcResult(result: unknown, json = false): string {
  if (!json && typeof result === "string") return result;
  const text = stringifyJson(result);
  return json ? text : JSON.stringify(JSON.parse(text), null, 2);
}

export interface RpcCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

/** Runs `sbctl rpc ...` (argv without "rpc"); resolves to the exit code: 0 ok, 1 RPC failure, 2 usage. */
export async function runRpcCommand(argv: string[], io: Partial<RpcCommandIo> = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = io.stderr ?? ((t: string) => process.stderr.write(`${t}\n`));
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    out(RPC_COMMAND_USAGE);
    return 0;
  }
  let opts: RpcCommandOptions;
  try {
    opts = parseRpcCommandArgs(argv, io.env ?? process.env);
  } catch (e) {
    err(`error: ${(e as Error).message}\n${RPC_COMMAND_USAGE}`);
    return 2;
  }
  try {
    const result = await createRpcClient(opts.node).callRaw(opts.method, opts.params);
    out(formatRpcResult(result, opts.json));
    return 0;
  } catch (e) {
    if (!(e instanceof RpcClientError)) throw e;
    err(`error: ${e.message}`);
    return 1;
  }
}
