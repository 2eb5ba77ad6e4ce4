import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CLK_TCK,
  cpuPercent,
  machineBusyPercent,
  machineTicks,
  parsePss,
  parseStat,
  parseVmRss,
  sampleTree,
} from "./proc.ts";

describe("/proc parsing", () => {
  it("reads pid, ppid and utime+stime even when the command name has spaces and parentheses", () => {
    const line = "4242 (node (a) b) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 30 15 5 20 0 11 0 123 0 0";
    assert.deepEqual(parseStat(line), { pid: 4242, ppid: 17, ticks: 280, childTicks: 20 });
  });

  it("reads VmRSS and Pss in bytes", () => {
    assert.equal(parseVmRss("Name:\tnode\nVmRSS:\t  150000 kB\nVmSwap: 0 kB\n"), 150000 * 1024);
    assert.equal(parseVmRss("Name:\tzombie\n"), 0);
    assert.equal(parsePss("Rss:  2000 kB\nPss:  1500 kB\n"), 1500 * 1024);
  });

  it("turns tick deltas into percent of one core", () => {
    // One second of CPU over two seconds of wall time.
    assert.equal(cpuPercent({ at: 0, ticks: 0 }, { at: 2000, ticks: CLK_TCK }), 50);
    assert.equal(cpuPercent({ at: 0, ticks: 0 }, { at: 0, ticks: 5 }), 0);
  });

  it("computes the machine's busy share from the cpu line, idle and iowait excluded", () => {
    const a = machineTicks("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n");
    const b = machineTicks("cpu  200 0 200 800 100 0 0 0 0 0\n");
    assert.deepEqual(a, { busy: 200, total: 1000 });
    assert.equal(machineBusyPercent(a, b), (200 / 300) * 100);
  });

  it("samples this process: CPU ticks move and RSS is non-zero", () => {
    const s = sampleTree(process.pid);
    assert.ok(s.processes >= 1);
    assert.ok(s.rssBytes > 0);
    assert.ok(s.ticks >= 0);
  });
});
