/**
 * sbctl dispatcher list|reload|set-state|add|rm. add/rm edit the `dispatcher` table (kamctl dispatcher
 * addgw/rmgw) and then send dispatcher.reload; list, reload and set-state are the node's own commands
 * (set-state changes the running state only, as dispatcher.set_state does in Kamailio).
 */
import { dispatcher } from "@switchboard/db";
import { RpcFaultError } from "@switchboard/rpc/errors";
import { normalizeDispatcherList } from "@switchboard/rpc/normalize";
import { and, eq } from "drizzle-orm";
import { intArg, parseSipUri, UsageError } from "../args.ts";
import { type Command, edited, table } from "../command.ts";
import type { Session } from "../session.ts";

const reload = (s: Session) => s.notify("dispatcher.reload");

/** Text of dispatcher.reload's answer: Kamailio's sentence, sipd adds the rows it skipped. */
const reloadText = (r: unknown) => (typeof r === "string" ? r : "Ok. Dispatcher successfully reloaded.");

function varchar(text: string | undefined, max: number, what: string): string {
  if (text === undefined) return "";
  if (text.length > max) throw new UsageError(`${what} is at most ${max} characters`);
  return text;
}

export const dispatcherCommands: Command[] = [
  {
    name: "dispatcher list",
    args: "",
    summary: "destinations loaded on the node (dispatcher.list)",
    async run(s) {
      let result: unknown;
      try {
        result = await s.rpc.callRaw("dispatcher.list");
      } catch (e) {
        // Kamailio's answer for an empty table is a fault; for a listing it just means "none".
        if (!(e instanceof RpcFaultError && e.faultString === "No Destination Sets")) throw e;
        return { text: "no destination sets", data: [] };
      }
      const rows = normalizeDispatcherList(result);
      const text = table(
        ["SET", "URI", "FLAGS", "PRIORITY", "ATTRS"],
        rows.map((r) => [r.setid, r.uri, r.flags, r.priority, r.attrs?.BODY ?? ""]),
        "no destination sets",
      );
      return { text, data: rows };
    },
  },
  {
    name: "dispatcher reload",
    args: "",
    summary: "reload the dispatcher table on the node",
    async run(s) {
      const result = await s.rpc.callRaw("dispatcher.reload");
      return { text: reloadText(result), data: result };
    },
  },
  {
    name: "dispatcher set-state",
    args: "<state> <setid> <uri>",
    summary:
      "set a destination's state: a(ctive), i(nactive), d(isabled), t(rying), +p(robing); uri may be all",
    async run(s, [state, setid, uri]) {
      const result = await s.rpc.callRaw("dispatcher.set_state", [state, intArg(setid, "setid"), uri]);
      return { text: typeof result === "string" ? result : "Ok. Dispatcher state updated.", data: result };
    },
  },
  {
    name: "dispatcher add",
    args: "<setid> <uri> [flags] [priority] [attrs] [description]",
    summary: "add a destination to the table, then reload",
    async run(s, [setid, uri, flags, priority, attrs, description]) {
      const row = {
        setid: intArg(setid, "setid"),
        destination: parseSipUri(uri),
        flags: flags === undefined ? 0 : intArg(flags, "flags"),
        priority: priority === undefined ? 0 : intArg(priority, "priority"),
        attrs: varchar(attrs, 128, "attrs"),
        description: varchar(description, 64, "description"),
      };
      await (await s.db()).insert(dispatcher).values(row);
      const node = await reload(s);
      return edited(`destination ${row.destination} added to set ${row.setid}`, node);
    },
  },
  {
    name: "dispatcher rm",
    args: "<setid> <uri>",
    summary: "remove a destination from the table, then reload",
    async run(s, [setid, uri]) {
      const set = intArg(setid, "setid");
      const [res] = await (await s.db())
        .delete(dispatcher)
        .where(and(eq(dispatcher.setid, set), eq(dispatcher.destination, uri)));
      if (res.affectedRows === 0) throw new Error(`no destination ${uri} in set ${set}`);
      return edited(`destination ${uri} removed from set ${set}`, await reload(s));
    },
  },
];
