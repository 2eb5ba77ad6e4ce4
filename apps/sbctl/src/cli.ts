/**
 * sbctl: kamctl's everyday verbs and kamcmd's `rpc` for sipd (and Kamailio) nodes. Database edits are followed
 * by the matching reload over RPC, so the running node serves the change at once.
 *
 * Exit codes: 0 done, 1 failed (one line on stderr), 2 usage error (wrong command or arguments).
 */
import { runRpcCommand } from "@switchboard/rpc/cli/rpc-command";
import { parseGlobalArgs, UsageError } from "./args.ts";
import { arity, type Command, usageLine } from "./command.ts";
import { aliasCommands } from "./commands/alias.ts";
import { dialplanCommands } from "./commands/dialplan.ts";
import { dispatcherCommands } from "./commands/dispatcher.ts";
import { statsCommands } from "./commands/stats.ts";
import { subscriberCommands } from "./commands/subscriber.ts";
import { ulCommands } from "./commands/ul.ts";
import { describeError, type Io, Session } from "./session.ts";

export type { Io } from "./session.ts";

export const COMMANDS: Command[] = [
  ...subscriberCommands,
  ...aliasCommands,
  ...dispatcherCommands,
  ...dialplanCommands,
  ...ulCommands,
  ...statsCommands,
];

const RPC_LINE = "sbctl rpc [--xml] <method> [params...]";

const OPTIONS = `options:
  --url URL       node RPC endpoint (env SBCTL_URL; default the config's rpc.listen, http://127.0.0.1:5071/RPC)
  --token TOKEN   RPC bearer token (env SBCTL_TOKEN; default the config's rpc.token)
  --xml           XML-RPC instead of JSON-RPC (env SBCTL_PROTOCOL=xmlrpc)
  --timeout MS    RPC timeout (default 5000)
  --json          print the result as one line of JSON
  --config FILE   switchboard.config.json to read (env SWITCHBOARD_CONFIG)
  --              end of options (for a password starting with --)
database: the config's database.url or DATABASE_URL, else the local MariaDB that sipd finds
a bare "user" stands for user@<sip.domain of the config>`;

function synopsis(commands: Command[]): string {
  const lines = commands.map((c) => [usageLine(c), c.summary]);
  const width = Math.max(...lines.map(([u]) => u.length));
  return lines.map(([u, s]) => `  ${u.padEnd(width)}  ${s}`).join("\n");
}

export function helpText(): string {
  return [
    "usage: sbctl [options] <command> [args...]",
    synopsis(COMMANDS),
    `  ${RPC_LINE}  (kamcmd-like; "sbctl rpc --help")`,
    "  sbctl help",
    OPTIONS,
  ].join("\n");
}

/** Help for "sbctl help subscriber", "sbctl dispatcher add --help" and the like; everything for no words. */
export function helpFor(words: string[]): string {
  for (const n of [2, 1]) {
    const prefix = words.slice(0, n).join(" ");
    const matching = COMMANDS.filter((c) => c.name === prefix || c.name.startsWith(`${prefix} `));
    if (words.length > 0 && matching.length > 0) return `usage:\n${synopsis(matching)}`;
  }
  return helpText();
}

/** The command named by the first words, and its args; a UsageError naming the group's verbs otherwise. */
export function findCommand(words: string[]): { command: Command; args: string[] } {
  for (const command of COMMANDS) {
    const n = command.name.split(" ").length;
    if (words.slice(0, n).join(" ") === command.name) return { command, args: words.slice(n) };
  }
  const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
  if (group.length === 0) throw new UsageError(`unknown command "${words[0]}"`);
  const verbs = group.map((c) => c.name.split(" ")[1]).join("|");
  const what =
    words[1] === undefined ? `${words[0]} needs a command` : `unknown ${words[0]} command "${words[1]}"`;
  throw new UsageError(`${what} (${verbs})`, group.map(usageLine).join("\n       "));
}

export async function runSbctl(argv: string[], partialIo: Partial<Io> = {}): Promise<number> {
  const io: Io = {
    stdout: partialIo.stdout ?? ((t) => process.stdout.write(`${t}\n`)),
    stderr: partialIo.stderr ?? ((t) => process.stderr.write(`${t}\n`)),
    env: partialIo.env ?? process.env,
  };
  let session: Session | undefined;
  let command: Command | undefined;
  try {
    const { opts, words } = parseGlobalArgs(argv);
    if (words[0] === "help" || (opts.help && words[0] !== "rpc")) {
      io.stdout(helpFor(words.slice(words[0] === "help" ? 1 : 0)));
      return 0;
    }
    if (words.length === 0) throw new UsageError("no command");
    session = new Session(opts, io);

    if (words[0] === "rpc") {
      // kamcmd-like: hand over to @switchboard/rpc's command, with the node this run resolved
      const node = session.node;
      const flags = [
        ...(opts.json ? ["--json"] : []),
        ...(opts.timeoutMs ? ["--timeout", `${opts.timeoutMs}`] : []),
      ];
      return await runRpcCommand([...flags, ...words.slice(1)], {
        stdout: io.stdout,
        stderr: io.stderr,
        env: { SBCTL_URL: node.url, SBCTL_TOKEN: node.token, SBCTL_PROTOCOL: node.protocol },
      });
    }

    const found = findCommand(words);
    command = found.command;
    const args = found.args;
    const { min, max } = arity(command.args);
    if (args.length < min || args.length > max)
      throw new UsageError(
        `${command.name}: ${args.length < min ? "missing arguments" : "too many arguments"}`,
      );
    const out = await command.run(session, args);
    io.stdout(opts.json ? JSON.stringify(out.data) : out.text);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const usage = e.usage ?? (command ? usageLine(command) : "sbctl help");
      io.stderr(`error: ${e.message}\nusage: ${usage}`);
      return 2;
    }
    io.stderr(`error: ${describeError(e)}`);
    return 1;
  } finally {
    await session?.close();
  }
}
