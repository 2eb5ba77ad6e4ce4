/** sbctl stats (kamctl stats): stats.get_statistics, printed as the node's "group:name = value" lines. */
import { parseStats } from "@switchboard/rpc/normalize";
import type { Command } from "../command.ts";

export const statsCommands: Command[] = [
  {
    name: "stats",
    args: "[group:|name...]",
    summary: "counters (stats.get_statistics): all, a group such as usrloc: or core:, or names",
    async run(s, selectors) {
      const result = await s.rpc.callRaw("stats.get_statistics", selectors.length ? selectors : ["all"]);
      const lines = Array.isArray(result) ? result.map(String) : [];
      return { text: lines.length ? lines.join("\n") : "no such counters", data: parseStats(result) };
    },
  },
];
