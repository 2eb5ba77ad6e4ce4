/**
 * RPC commands of Kamailio's dialplan module (dialplan.c), same params, answers and fault texts.
 * One deviation: when rows were left out of a reload, the answer carries them in `warnings`
 * (Kamailio refuses such a reload altogether and answers `{}` otherwise).
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import { intParam, ReloadGuard, registerTableReload, strParam } from "../shared/rpc.ts";
import type { Dialplan } from "./index.ts";

export function registerDialplanRpc(registry: RpcRegistry, dp: Dialplan): void {
  registerTableReload(registry, {
    name: "dialplan.reload",
    doc: "Reload dialplan table from database",
    reload: () => dp.reload(),
    fault: { code: 500, message: "Dialplan Reload Failed" },
    guard: new ReloadGuard(() => dp.params.reload_delta, "ongoing reload"),
  });

  registry.register({
    name: "dialplan.translate",
    doc: "Perform dialplan translation",
    params: "dpid:int, input:str",
    handler: (params) => {
      const dpid = intParam(params, 0, "Invalid parameters");
      const input = strParam(params, 1, "Invalid parameters");
      if (!dp.hasDpid(dpid)) throw new RpcError(500, "Dialplan ID not matched");
      if (input === "") throw new RpcError(500, "Empty input parameter");
      const t = dp.translate(dpid, input);
      if (!t) throw new RpcError(500, "No translation");
      return { Output: t.output, Attributes: t.attrs };
    },
  });

  registry.register({
    name: "dialplan.dump",
    doc: "Dump dialplan content",
    params: "dpid:int",
    handler: (params) => {
      const dpid = intParam(params, 0, "Missing parameter");
      const rules = dp.rules(dpid);
      if (!rules) throw new RpcError(500, "Dialplan ID not matched");
      return {
        DPID: dpid,
        ENTRIES: rules.map((r) => ({
          ENTRY: {
            PRIO: r.pr,
            MATCHOP: r.matchOp,
            MATCHEXP: r.matchExp,
            MATCHLEN: r.matchLen,
            SUBSTEXP: r.substExp,
            REPLEXP: r.replExp,
            ATTRS: r.attrs,
          },
        })),
      };
    },
  });
}
