/**
 * Shared by the reliability scripts: command-line options, a throw-away database with subscribers,
 * sipd's statistics over RPC, process readings (/proc) and plain-text tables.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import type { SipdProcess } from "../../apps/sipd/src/testing/process.ts";
import { fdCount, rssBytes } from "../../apps/sipd/src/testing/process.ts";
import { insertSubscribers } from "../../apps/sipd/src/testing/subscribers.ts";

/** Numeric --name value options with defaults; `--help` prints them. */
export function numericOptions<T extends Record<string, number>>(usage: string, defaults: T): T {
  const { values } = parseArgs({
    options: {
      help: { type: "boolean" },
      ...Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: "string" as const }])),
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(`${usage}\n\noptions (default):`);
    for (const [k, v] of Object.entries(defaults)) console.log(`  --${k} ${v}`);
    process.exit(0);
  }
  const out: Record<string, number> = { ...defaults };
  for (const k of Object.keys(defaults)) {
    const raw = (values as Record<string, unknown>)[k];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`--${k}: not a number: ${raw}`);
    out[k] = n;
  }
  return out as T;
}

/** A migrated throw-away database holding `subscribers` (password `<user>-pass`). */
export async function scratchDatabase(subscribers: readonly string[]): Promise<TestDatabase> {
  const tdb = await createTestDatabase();
  await insertSubscribers(tdb.db, subscribers);
  return tdb;
}

/** stats.get_statistics of `selectors` (default all) as "group:name" -> value. */
export async function sipdStats(p: SipdProcess, selectors = ["all"]): Promise<Record<string, number>> {
  const lines = (await p.rpc().callRaw("stats.get_statistics", selectors)) as string[];
  const out: Record<string, number> = {};
  for (const l of lines) {
    const m = /^(\S+) = (-?\d+(?:\.\d+)?)$/.exec(l);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export interface ProcReading {
  atSec: number;
  rssMb: number;
  fds: number;
}

export function readProc(pid: number, startedAt: number): ProcReading {
  return {
    atSec: Math.round((Date.now() - startedAt) / 1000),
    rssMb: rssBytes(pid) / 1048576,
    fds: fdCount(pid),
  };
}

/**
 * Datagrams the kernel dropped because the UDP socket bound to 127.0.0.1:`port` had a full receive
 * buffer (the last column of /proc/net/udp): the process did not read fast enough.
 */
export function udpDrops(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of readFileSync("/proc/net/udp", "utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local) return Number(f[f.length - 1]);
  }
  return Number.NaN;
}

export const mb = (n: number) => n.toFixed(1);

/** One line of fixed-width columns, for readings printed as they come. */
export const columns = (cells: readonly (string | number)[], width = 13) =>
  cells
    .map((c) => String(c).padEnd(width))
    .join("")
    .trimEnd();

/** A left-aligned plain-text table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `main`, prints an error as one line, and sets the exit code; clean-ups run either way. */
export async function runScript(
  main: (cleanup: (fn: () => unknown) => void) => Promise<void>,
): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  // Ctrl-C: stop the sipd and sipp processes and drop the scratch database too.
  const interrupted = async () => {
    for (const fn of cleanups.splice(0)) await (async () => fn())().catch(() => undefined);
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    await main((fn) => cleanups.unshift(fn));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    for (const fn of cleanups.splice(0)) {
      try {
        await fn();
      } catch (e) {
        console.error(`clean-up: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
