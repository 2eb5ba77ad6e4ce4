/** sbctl dialplan reload|translate|show: the node's dialplan commands and the `dialplan` table's rules. */
import { dialplan } from "@switchboard/db";
import { asc, eq } from "drizzle-orm";
import { intArg } from "../args.ts";
import { type Command, table } from "../command.ts";

/** match_op values of the dialplan table (dialplan module docs). */
const MATCH_OPS = ["equal", "regex", "fnmatch"];

export const dialplanCommands: Command[] = [
  {
    name: "dialplan reload",
    args: "",
    summary: "reload the dialplan table on the node",
    async run(s) {
      const result = await s.rpc.callRaw("dialplan.reload");
      // sipd names the rules it left out instead of refusing the whole reload
      const warnings = (result as { warnings?: unknown })?.warnings;
      if (Array.isArray(warnings)) for (const w of warnings) s.warn(String(w));
      return { text: "dialplan reloaded", data: result };
    },
  },
  {
    name: "dialplan translate",
    args: "<dpid> <input>",
    summary: "run a string through a dialplan (dialplan.translate)",
    async run(s, [dpid, input]) {
      const r = (await s.rpc.callRaw("dialplan.translate", [intArg(dpid, "dpid"), input])) as {
        Output?: string;
        Attributes?: string;
      };
      return { text: `Output: ${r.Output ?? ""}\nAttributes: ${r.Attributes ?? ""}`, data: r };
    },
  },
  {
    name: "dialplan show",
    args: "[dpid]",
    summary: "rules in the dialplan table, of one dpid or all",
    async run(s, [dpid]) {
      const id = dpid === undefined ? undefined : intArg(dpid, "dpid");
      const rows = await (await s.db())
        .select()
        .from(dialplan)
        .where(id === undefined ? undefined : eq(dialplan.dpid, id))
        .orderBy(asc(dialplan.dpid), asc(dialplan.pr), asc(dialplan.id));
      const text = table(
        ["DPID", "PR", "MATCH", "MATCH_EXP", "LEN", "SUBST_EXP", "REPL_EXP", "ATTRS"],
        rows.map((r) => [
          r.dpid,
          r.pr,
          MATCH_OPS[r.matchOp] ?? String(r.matchOp),
          r.matchExp,
          r.matchLen,
          r.substExp,
          r.replExp,
          r.attrs,
        ]),
        id === undefined ? "no dialplan rules" : `no rules for dpid ${id}`,
      );
      return { text, data: rows };
    },
  },
];
