/**
 * cfg_rpc commands (src/modules/cfg_rpc/cfg_rpc.c): cfg.get, cfg.set and its typed aliases, cfg.list,
 * cfg.help, cfg.reset. Answers as Kamailio's: cfg.get group var -> the value; cfg.get group -> a
 * struct of the group; cfg.list -> ["group: var", ...]; cfg.help -> [doc, "(parameter type is ...)"];
 * setters answer nothing. Faults keep Kamailio's text, followed by the reason.
 */
import { RpcError, type RpcParams, type RpcRegistry } from "@switchboard/rpc";
import { CfgError, type CfgStore, type CfgValue } from "./store.ts";

const text = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

function groupName(v: unknown): string | undefined {
  const g = text(v);
  if (g?.includes("[")) throw new RpcError(400, 'Wrong group syntax. Use either "group", or "group[id]"');
  return g;
}

export function registerCfgRpc(registry: RpcRegistry, store: CfgStore): void {
  const setter = (kind: "int" | "string" | "any") => (params: RpcParams) => {
    const group = groupName(params[0]);
    const name = text(params[1]);
    const raw = params[2];
    if (group === undefined || name === undefined || (typeof raw !== "number" && typeof raw !== "string"))
      throw new RpcError(400, "Failed to set the variable: group, variable and value expected");
    if (kind === "int" && !(typeof raw === "number" || /^\s*[+-]?\d+\s*$/.test(raw)))
      throw new RpcError(400, "Failed to set the variable: an integer value is expected");
    const value: CfgValue = kind === "string" ? String(raw) : raw;
    try {
      store.set(group, name, value);
    } catch (e) {
      if (e instanceof CfgError) throw new RpcError(400, `Failed to set the variable: ${e.message}`);
      throw e;
    }
  };
  const setDoc = "Set the value of a configuration variable and commit the change immediately";
  const defs: [string, "int" | "string" | "any", string][] = [
    ["cfg.set", "any", "group:str, var:str, value:int|str"],
    ["cfg.set_now_int", "int", "group:str, var:str, value:int"],
    ["cfg.seti", "int", "group:str, var:str, value:int"],
    ["cfg.set_now_string", "string", "group:str, var:str, value:str"],
    ["cfg.sets", "string", "group:str, var:str, value:str"],
  ];
  for (const [name, kind, params] of defs)
    registry.register({ name, doc: setDoc, params, handler: setter(kind) });

  registry.register({
    name: "cfg.get",
    doc: "Get the value of a configuration variable",
    params: "group:str, var:str (optional: the whole group)",
    handler: (params) => {
      const group = groupName(params[0]);
      if (group === undefined) throw new RpcError(500, "Failed to get the parameters");
      const name = text(params[1]);
      try {
        return name === undefined || name === "" ? store.group(group) : store.get(group, name);
      } catch (e) {
        if (e instanceof CfgError) throw new RpcError(400, "Failed to get the variable");
        throw e;
      }
    },
  });
  registry.register({
    name: "cfg.list",
    doc: "List the configuration variables",
    params: "group:str (optional)",
    flags: { returnsArray: true },
    handler: (params) => {
      const group = text(params[0]) || undefined;
      return store.list(group).map((d) => `${d.group}: ${d.name}`);
    },
  });
  registry.register({
    name: "cfg.help",
    doc: "Print the description of a configuration variable",
    params: "group:str, var:str",
    handler: (params) => {
      const group = text(params[0]);
      const name = text(params[1]);
      if (!group || !name || !store.has(group, name))
        throw new RpcError(400, "Failed to get the variable description");
      const d = store.help(group, name);
      return [d.doc, `(parameter type is ${d.type === "int" ? "integer" : "string"})`];
    },
  });
  registry.register({
    name: "cfg.reset",
    doc: "Reset all the values of a configuration group and commit the change immediately",
    params: "group:str",
    handler: (params) => {
      const group = groupName(params[0]);
      if (!group || store.list(group).length === 0) throw new RpcError(400, "Failed to reset the group");
      store.reset(group);
    },
  });
}
