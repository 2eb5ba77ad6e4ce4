/**
 * RPC commands of Kamailio's dispatcher module (dispatcher.c), same params, answers and fault
 * texts. When rows were skipped by a reload, the answer names them after Kamailio's sentence.
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import { dsHash, formatIssues, ReloadError } from "../shared/index.ts";
import { hasParam, intParam, ReloadGuard, strParam } from "../shared/rpc.ts";
import type { DsDest } from "./dest.ts";
import type { Dispatcher } from "./index.ts";
import { flagsText } from "./select.ts";

type ListMode = "normal" | "short" | "full";

/** One DEST of dispatcher.list, fields in Kamailio's order. */
export function destView(d: DsDest, mode: ListMode, withRuntime: boolean): Record<string, unknown> {
  const v: Record<string, unknown> = { URI: d.uri, FLAGS: flagsText(d.flags), PRIORITY: d.priority };
  if (mode === "full") {
    Object.assign(v, {
      HOST: d.host,
      IPADDR: d.ip?.text ?? "",
      PORT: d.port,
      PROTOID: d.proto,
      DNSTIME_SEC: 0,
      DNSTIME_USEC: 0,
      OCRATE: 0,
      OCIDX: 0,
      OCSEQ: 0,
      OCTIME_SEC: 0,
      OCTIME_USEC: 0,
    });
  }
  if ((mode !== "short" && d.attrs.body !== "") || mode === "full") {
    v.ATTRS = {
      BODY: d.attrs.body,
      DUID: d.attrs.duid,
      PROBING_COUNT: d.probingCount,
      MAXLOAD: d.attrs.maxload,
      WEIGHT: d.attrs.weight,
      RWEIGHT: d.attrs.rweight,
      SOCKET: d.attrs.socket,
      SOCKNAME: d.attrs.sockname,
      OBPROXY: d.attrs.obproxy,
      OCMIN: 0,
      OCMAX: 100,
    };
  }
  if (withRuntime) v.RUNTIME = { DLGLOAD: d.dload };
  return v;
}

export function registerDispatcherRpc(registry: RpcRegistry, ds: Dispatcher): void {
  const guard = new ReloadGuard(() => ds.params.reload_delta, "Ongoing reload");

  registry.register({
    name: "dispatcher.reload",
    doc: "Reload dispatcher destination sets",
    handler: async () => {
      guard.enter();
      try {
        const report = await ds.reload();
        const ok = "Ok. Dispatcher successfully reloaded.";
        return report.issues.length ? `${ok} Warnings: ${formatIssues(report.issues).join("; ")}` : ok;
      } catch (e) {
        if (e instanceof ReloadError) throw new RpcError(500, "Reload Failed");
        throw e;
      }
    },
  });

  registry.register({
    name: "dispatcher.list",
    doc: "Return the content of dispatcher sets",
    params: "[mode:str short|full]",
    handler: (params) => {
      const m = hasParam(params, 0) ? strParam(params, 0).toLowerCase() : "";
      const mode: ListMode = m === "short" || m === "full" ? m : "normal";
      const sets = ds.sets;
      if (sets.size === 0) throw new RpcError(500, "No Destination Sets");
      const runtime = ds.params.ds_hash_size > 0;
      return {
        NRSETS: sets.size,
        RECORDS: [...sets.values()].map((set) => ({
          SET: { ID: set.id, TARGETS: set.dests.map((d) => ({ DEST: destView(d, mode, runtime) })) },
        })),
      };
    },
  });

  registry.register({
    name: "dispatcher.set_state",
    doc: "Set the state of a destination by address",
    params: "state:str, group:int, address:str|all",
    handler: (params) => {
      if (params.length < 3) throw new RpcError(500, "Invalid Parameters");
      const state = strParam(params, 0);
      const group = intParam(params, 1);
      const address = strParam(params, 2);
      if (state === "") throw new RpcError(500, "Invalid State Parameter");
      if (!"0123aAiIdDtT".includes(state[0])) throw new RpcError(500, "Unknown State Value");
      if (!ds.setState(state, group, address)) throw new RpcError(500, "State Update Failed");
      return "Ok. Dispatcher state updated.";
    },
  });

  registry.register({
    name: "dispatcher.ping_active",
    doc: "Manage setting on/off the pinging (keepalive) of destinations",
    params: "[state:int]",
    handler: (params) => {
      const old = ds.pingActive;
      if (!hasParam(params, 0)) return { OldPingState: old };
      ds.pingActive = intParam(params, 0);
      return { NewPingState: ds.pingActive, OldPingState: old };
    },
  });

  registry.register({
    name: "dispatcher.add",
    doc: "Add a destination address in memory",
    params: "group:int, address:str[, flags:int, priority:int, attrs:str]",
    handler: async (params) => {
      guard.enter();
      const group = intParam(params, 0);
      const address = strParam(params, 1);
      const flags = hasParam(params, 2) ? intParam(params, 2) : 0;
      const priority = hasParam(params, 3) ? intParam(params, 3) : 0;
      const attrs = hasParam(params, 4) ? strParam(params, 4) : "";
      try {
        await ds.add(group, address, flags, priority, attrs);
      } catch {
        throw new RpcError(500, "Adding dispatcher dst failed");
      }
      return "Ok. Dispatcher destination added.";
    },
  });

  registry.register({
    name: "dispatcher.remove",
    doc: "Remove a destination address from memory",
    params: "group:int, address:str",
    handler: (params) => {
      guard.enter();
      ds.remove(intParam(params, 0), strParam(params, 1));
      return "Ok. Dispatcher destination removed.";
    },
  });

  registry.register({
    name: "dispatcher.hash",
    doc: "Compute the hash if the values",
    params: "nslots:int, val1:str[, val2:str]",
    handler: (params) => {
      const nslots = intParam(params, 0);
      const hashid = dsHash(strParam(params, 1), hasParam(params, 2) ? strParam(params, 2) : undefined);
      return { hashid, slot: nslots > 0 ? hashid % nslots : 0 };
    },
  });
}
