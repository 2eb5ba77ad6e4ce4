/**
 * subscriber.invalidate [username [domain]] — a Switchboard extension (Kamailio has no credential cache):
 * drops cached subscriber credentials so a password changed in the console applies to the next request.
 */
import type { RpcParams, RpcRegistry } from "@switchboard/rpc";
import { hasParam, strParam } from "../shared/rpc.ts";
import type { AuthDb } from "./auth_db.ts";

export function registerAuthDbRpc(registry: RpcRegistry, authDb: AuthDb): void {
  registry.register({
    name: "subscriber.invalidate",
    doc: "Drop cached subscriber credentials (all, a username, or username and domain)",
    params: "[username:str[, domain:str]]",
    handler: (params: RpcParams) => {
      const optional = (i: number) =>
        hasParam(params, i) && params[i] !== "" ? strParam(params, i) : undefined;
      authDb.invalidate(optional(0), optional(1));
    },
  });
}
