/**
 * Summary of a V8 .cpuprofile (node --cpu-prof): self time per function and per source file, so
 * the hot spots of a benchmark run can be read without DevTools.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  name: string;
  /** Self time in percent of the busy samples (idle excluded). */
  selfPct: number;
}

/** Samples V8 takes while the thread waits for events; they are not work. */
const IDLE = new Set(["(idle)"]);

/** Short location: the path from the repository's packages/apps folder on, or node_modules/<pkg>. */
export function shortUrl(url: string): string {
  if (!url) return "(native)";
  const clean = url.replace(/^file:\/\//, "");
  const nm = clean.lastIndexOf("node_modules/");
  if (nm >= 0) return clean.slice(nm);
  const m = /(packages|apps)\/.*$/.exec(clean);
  return m ? m[0] : clean.replace(/^node:/, "node:");
}

/**
 * Self time per function (name + file) and per file, top `limit` each, as shares of the busy time
 * (idle samples left out; "(garbage collector)" and "(program)" stay in). Samples taken before
 * `fromSec` or after `toSec` into the profile are skipped, so module loading at start-up does not blur
 * a load test and one scenario of a run can be looked at alone.
 */
export function summarize(
  p: CpuProfile,
  opts: { limit?: number; fromSec?: number; toSec?: number } = {},
): { functions: HotSpot[]; files: HotSpot[]; busySec: number; totalSec: number } {
  const limit = opts.limit ?? 25;
  const fromUs = (opts.fromSec ?? 0) * 1e6;
  const toUs = (opts.toSec ?? Number.POSITIVE_INFINITY) * 1e6;
  const idleIds = new Set(p.nodes.filter((n) => IDLE.has(n.callFrame.functionName)).map((n) => n.id));
  const hits = new Map<number, number>();
  let at = 0;
  let busyUs = 0;
  let totalUs = 0;
  const samples = p.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = p.timeDeltas?.[i] ?? 0;
    at += dt;
    if (at < fromUs || at > toUs) continue;
    totalUs += dt;
    if (idleIds.has(samples[i])) continue;
    busyUs += dt;
    hits.set(samples[i], (hits.get(samples[i]) ?? 0) + 1);
  }
  const total = [...hits.values()].reduce((a, b) => a + b, 0) || 1;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of p.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (!h) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const file = shortUrl(url);
    const fn = `${functionName || "(anonymous)"} ${url ? `${file}:${lineNumber + 1}` : ""}`.trim();

    byFn.set(fn, (byFn.get(fn) ?? 0) + h);
    const fileKey = url ? file : functionName || "(native)";
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + h);
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, h]) => ({ name, selfPct: (h / total) * 100 }));
  return { functions: top(byFn), files: top(byFile), busySec: busyUs / 1e6, totalSec: totalUs / 1e6 };
}
