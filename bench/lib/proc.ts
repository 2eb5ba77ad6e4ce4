/**
 * CPU and memory of a server under test, read from /proc (Linux only): CPU time is utime + stime
 * (proc(5) fields 14 and 15, in clock ticks) summed over the process and every descendant, so a
 * forking server (Kamailio's children) counts as a whole; RSS is VmRSS from /proc/<pid>/status.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second for /proc CPU times (sysconf(_SC_CLK_TCK), 100 on Linux/x86). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface StatFields {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** cutime + cstime: CPU of children that exited and were waited for (e.g. finished sipp runs). */
  childTicks: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may itself
 * contain spaces and ')', so the fields are counted from the last ')'.
 */
export function parseStat(line: string): StatFields {
  const close = line.lastIndexOf(")");
  const pid = Number(line.slice(0, line.indexOf(" ")));
  // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
  const rest = line
    .slice(close + 2)
    .trim()
    .split(" ");
  return {
    pid,
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
    childTicks: Number(rest[13]) + Number(rest[14]),
  };
}

/** VmRSS of /proc/<pid>/status content, in bytes (0 when absent, e.g. a zombie). */
export function parseVmRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

function readStat(pid: number): StatFields | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // exited between listing and reading
  }
}

/** `root` and all its live descendants. */
export function processTree(root: number): StatFields[] {
  const all: StatFields[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const children = new Map<number, StatFields[]>();
  for (const s of all) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const self = all.find((s) => s.pid === root);
  if (!self) return [];
  const out: StatFields[] = [];
  const queue = [self];
  while (queue.length) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/** Pss of /proc/<pid>/smaps_rollup content, in bytes: RSS with shared pages split among their users. */
export function parsePss(rollup: string): number {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
  return m ? Number(m[1]) * 1024 : 0;
}

export interface TreeSample {
  at: number;
  /** CPU of the live processes of the tree, plus the reaped children of its root. */
  ticks: number;
  /** Summed VmRSS: counts memory shared between the processes (Kamailio's shm) once per process. */
  rssBytes: number;
  /** Summed Pss: each shared page counted once over the tree, the fair figure for a forking server. */
  pssBytes: number;
  processes: number;
}

/** CPU ticks and summed RSS of a process tree at this moment. */
export function sampleTree(root: number): TreeSample {
  const tree = processTree(root);
  let rssBytes = 0;
  let pssBytes = 0;
  for (const s of tree) {
    try {
      rssBytes += parseVmRss(readFileSync(`/proc/${s.pid}/status`, "utf8"));
      pssBytes += parsePss(readFileSync(`/proc/${s.pid}/smaps_rollup`, "utf8"));
    } catch {
      // exited meanwhile
    }
  }
  return {
    at: performance.now(),
    ticks: tree.reduce((a, s) => a + s.ticks, 0) + (tree[0]?.childTicks ?? 0),
    rssBytes,
    pssBytes,
    processes: tree.length,
  };
}

/** CPU use between two samples in percent of one core (200 % = two cores busy). */
export function cpuPercent(a: { at: number; ticks: number }, b: { at: number; ticks: number }): number {
  const seconds = (b.at - a.at) / 1000;
  return seconds > 0 ? ((b.ticks - a.ticks) / CLK_TCK / seconds) * 100 : 0;
}

/** Busy and total jiffies of the whole machine from /proc/stat's "cpu" line. */
export function machineTicks(stat = readFileSync("/proc/stat", "utf8")): { busy: number; total: number } {
  const line = stat.split("\n").find((l) => l.startsWith("cpu "))!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - (v[4] ?? 0), total };
}

/** Share of all cores that were busy between two machineTicks() readings, in percent. */
export function machineBusyPercent(a: { busy: number; total: number }, b: { busy: number; total: number }) {
  const total = b.total - a.total;
  return total > 0 ? ((b.busy - a.busy) / total) * 100 : 0;
}
