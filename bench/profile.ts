/**
 * `node --import tsx bench/profile.ts <file.cpuprofile> [--limit 30] [--from <s>] [--to <s>]`: prints the
 * self-time hot spots of a profile written by `npm run bench:sip -- --cpu-prof`
 * (bench/results/profiles/) between two offsets into the run (to skip start-up or pick one scenario).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type CpuProfile, summarize } from "./lib/cpuprofile.ts";
import { formatTable } from "./lib/report.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    limit: { type: "string", default: "30" },
    from: { type: "string", default: "0" },
    to: { type: "string" },
  },
});
const file = positionals[0];
if (!file) {
  console.error("usage: node --import tsx bench/profile.ts <file.cpuprofile> [--limit 30] [--from <s>]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const { functions, files, busySec, totalSec } = summarize(profile, {
  limit: Number(values.limit),
  fromSec: Number(values.from),
  toSec: values.to === undefined ? undefined : Number(values.to),
});
const rows = (h: typeof functions) => h.map((x) => [x.name, `${x.selfPct.toFixed(1)} %`]);
console.log(
  `${file}: ${totalSec.toFixed(1)} s profiled (from ${values.from} s), main thread busy ${busySec.toFixed(1)} s; shares of busy time\n`,
);
console.log(formatTable(["function (self time)", "share"], rows(functions)));
console.log(`\n${formatTable(["file (self time)", "share"], rows(files))}`);
