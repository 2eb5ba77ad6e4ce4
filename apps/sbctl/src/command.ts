/** The shape of one sbctl verb and its output, and the text table every listing prints. */
import type { NodeOutcome, Session } from "./session.ts";

/** What a command prints: `text` normally, `data` as one line of JSON with --json. */
export interface Output {
  text: string;
  data: unknown;
}

export interface Command {
  /** The words that select it, e.g. "subscriber add". */
  name: string;
  /** Argument synopsis: <required>, [optional], a trailing "..." takes any number. */
  args: string;
  summary: string;
  run(s: Session, args: string[]): Promise<Output>;
}

/** How many positional args a synopsis allows. */
export function arity(synopsis: string): { min: number; max: number } {
  const tokens = synopsis.match(/<[^>]+>|\[[^\]]+\]/g) ?? [];
  const min = tokens.filter((t) => t.startsWith("<")).length;
  return { min, max: tokens.some((t) => t.includes("...")) ? Number.POSITIVE_INFINITY : tokens.length };
}

export const usageLine = (c: Command) => `sbctl ${c.name}${c.args ? ` ${c.args}` : ""}`;

/** Left-aligned columns separated by two spaces; `empty` when there are no rows. */
export function table(headers: string[], rows: Array<Array<string | number | null>>, empty: string): string {
  if (rows.length === 0) return empty;
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? "" : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The output of a database edit followed by its reload: a sentence, and the node's answer in JSON. */
export function edited(message: string, node: NodeOutcome): Output {
  return { text: message, data: { ok: true, message, node } };
}
