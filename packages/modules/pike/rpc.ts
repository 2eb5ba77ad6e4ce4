/**
 * pike.top (and its alias pike.list) with Kamailio's answer (src/modules/pike/pike_rpc.c):
 * {"max_hits": reqs_density_per_unit, "list": [{ip_addr, leaf_hits_prev, leaf_hits_curr, expires, status}],
 *  "number_of_rows": n}. The optional filter is matched as a substring, like Kamailio's strstr():
 * "ALL", "HOT" (default) or "WARM". Kamailio lists nothing for WARM (its walk only handles HOT and
 * ALL); here WARM lists the warm addresses.
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import type { Pike } from "./pike.ts";

export function registerPikeRpc(registry: RpcRegistry, pike: Pike): void {
  for (const name of ["pike.top", "pike.list"])
    registry.register({
      name,
      doc: "pike.top Dump parts of the pike table",
      params: 'filter:str (optional, "ALL"|"HOT"|"WARM")',
      handler: ([opt]) => {
        const s = typeof opt === "string" ? opt : "HOT";
        const filter = s.includes("ALL")
          ? "ALL"
          : s.includes("HOT")
            ? "HOT"
            : s.includes("WARM")
              ? "WARM"
              : null;
        if (!filter) throw new RpcError(500, "Bad argument. Select: ALL, HOT or WARM");
        const list = pike.top(filter);
        return { max_hits: pike.params.reqs_density_per_unit, list, number_of_rows: list.length };
      },
    });
}
