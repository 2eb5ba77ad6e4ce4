/** Printing and keeping benchmark results: a plain-text table, the machine, a JSON file per run. */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./servers.ts";

/** Left-aligned first column, right-aligned numbers; every cell already a string. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  sipp: string;
  mariadb: string;
  kamailio?: string;
}

export function machineInfo(): MachineInfo {
  const kamailio = firstLine("sh", ["-c", "kamailio -v 2>/dev/null | head -1"]);
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: firstLine("uname", ["-sr"]),
    node: process.version,
    sipp: firstLine("sh", ["-c", "sipp -v 2>&1 | grep -m1 SIPp"]),
    mariadb: firstLine("sh", ["-c", "mariadb --version 2>/dev/null || mysql --version"]),
    ...(kamailio ? { kamailio } : {}),
  };
}

/** Writes bench/results/<timestamp>-<kind>.json (the folder is gitignored) and returns its path. */
export function writeResult(kind: string, data: unknown): string {
  const dir = join(REPO_ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `${stamp}-${kind}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** The value at quantile q (0..1) of ascending samples, nearest-rank (p50 of 50 calls = the 25th). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  pct: (n: number) => `${Math.round(n)} %`,
  mb: (n: number) => `${n.toFixed(0)} MB`,
  ms: (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)),
  ratio: (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "-"),
};
