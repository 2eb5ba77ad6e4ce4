/** sbctl ul show|rm (kamctl ul show/rm) over usrloc's RPC commands on the `location` table. */
import { normalizeUlDump, normalizeUlLookup, type UlContactRow } from "@switchboard/rpc/normalize";
import { type Command, table } from "../command.ts";

/** The usrloc domain (table) kamctl works on. */
const TABLE = "location";

function contactsTable(rows: UlContactRow[]): string {
  return table(
    ["AOR", "CONTACT", "EXPIRES", "Q", "USER-AGENT"],
    rows.map((r) => [r.aor, r.address, r.expires ?? r.expiresNote, r.q, r.userAgent]),
    "no registered contacts",
  );
}

export const ulCommands: Command[] = [
  {
    name: "ul show",
    args: "[aor]",
    summary: "registered contacts, all (ul.dump) or of one AoR (ul.lookup)",
    async run(s, [aor]) {
      const rows =
        aor === undefined
          ? normalizeUlDump(await s.rpc.callRaw("ul.dump"))
          : normalizeUlLookup(await s.rpc.callRaw("ul.lookup", [TABLE, aor]), TABLE);
      return { text: contactsTable(rows), data: rows };
    },
  },
  {
    name: "ul rm",
    args: "<aor> [contact]",
    summary: "remove an AoR with all its contacts (ul.rm), or one contact (ul.rm_contact)",
    async run(s, [aor, contact]) {
      if (contact === undefined) {
        await s.rpc.callRaw("ul.rm", [TABLE, aor]);
        return { text: `${aor} removed`, data: { ok: true } };
      }
      await s.rpc.callRaw("ul.rm_contact", [TABLE, aor, contact]);
      return { text: `contact ${contact} of ${aor} removed`, data: { ok: true } };
    },
  },
];
