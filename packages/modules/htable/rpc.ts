/**
 * htable RPC commands with Kamailio's names, params, answers and fault texts (src/modules/htable/htable.c).
 * Kamailio scans "SS": both params must be strings; integers are accepted and read as text here.
 */
import { toSqlDateTime } from "@switchboard/db";
import { RpcError, type RpcParams, type RpcRegistry } from "@switchboard/rpc";
import { ReloadError } from "../shared/index.ts";
import type { HtableModule } from "./module.ts";
import type { Htable } from "./table.ts";

/** Kamailio's AVP value flag: set for string values (AVP_VAL_STR), 0 for integers. */
const AVP_VAL_STR = 2;

const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

function scan(params: RpcParams, n: number, fault: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = str(params[i]);
    if (s === undefined) throw new RpcError(500, fault);
    out.push(s);
  }
  return out;
}

function intValue(v: unknown, fault: string): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v.trim())) return Number.parseInt(v, 10);
  throw new RpcError(500, fault);
}

export function registerHtableRpc(registry: RpcRegistry, mod: HtableModule): void {
  const table = (name: string): Htable => {
    const t = mod.table(name);
    if (!t) throw new RpcError(500, "No such htable");
    return t;
  };
  const NEED_KEY = "Not enough parameters (htable name and key name)";
  const NEED_VALUE = "Not enough parameters (htable name, key name and value)";
  const NEED_EXPIRE = "Not enough parameters (htable name, key name and expire)";

  registry.register({
    name: "htable.get",
    doc: "Get one key from a hash table.",
    params: "htable:str, key:str",
    handler: (params) => {
      const [name, key] = scan(params, 2, NEED_KEY);
      const c = table(name).cell(key);
      if (!c) throw new RpcError(500, "Key name doesn't exist in htable.");
      return {
        item: {
          name: key,
          value: c.value,
          flags: typeof c.value === "string" ? AVP_VAL_STR : 0,
          expire: c.expire ? toSqlDateTime(new Date(c.expire)) : "NEVER",
        },
      };
    },
  });
  registry.register({
    name: "htable.delete",
    doc: "Delete one key from a hash table.",
    params: "htable:str, key:str",
    handler: (params) => {
      const [name, key] = scan(params, 2, NEED_KEY);
      table(name).delete(key);
    },
  });
  registry.register({
    name: "htable.sets",
    doc: "Set one key in a hash table to a string value.",
    params: "htable:str, key:str, value:str",
    handler: (params) => {
      const [name, key, value] = scan(params, 3, NEED_VALUE);
      table(name).set(key, value);
    },
  });
  registry.register({
    name: "htable.seti",
    doc: "Set one key in a hash table to an integer value.",
    params: "htable:str, key:str, value:int",
    handler: (params) => {
      const [name, key] = scan(params, 2, NEED_VALUE);
      table(name).set(key, intValue(params[2], NEED_VALUE));
    },
  });
  registry.register({
    name: "htable.setex",
    doc: "Set expire in a hash table for the item referenced by key.",
    params: "htable:str, key:str, expire:int",
    handler: (params) => {
      const [name, key] = scan(params, 2, NEED_EXPIRE);
      if (!table(name).setExpire(key, intValue(params[2], NEED_EXPIRE)))
        throw new RpcError(500, "Failed to set expire");
    },
  });
  for (const [suffix, kind] of [
    ["setxs", "string"],
    ["setxi", "integer"],
  ] as const)
    registry.register({
      name: `htable.${suffix}`,
      doc: `Set one key in a hash table to a ${kind} value and its expire.`,
      params: `htable:str, key:str, value:${kind === "string" ? "str" : "int"}, expire:int`,
      handler: (params) => {
        const fault = "Not enough parameters (htable name, key name, value and expire)";
        const [name, key] = scan(params, 2, fault);
        const t = table(name);
        const value = kind === "string" ? scan([params[2]], 1, fault)[0] : intValue(params[2], fault);
        const expire = intValue(params[3], fault);
        t.set(key, value);
        t.setExpire(key, expire);
      },
    });
  registry.register({
    name: "htable.dump",
    doc: "Dump the contents of hash table.",
    params: "htable:str",
    flags: { returnsArray: true },
    handler: (params) => {
      const [name] = scan(params, 1, "No htable name given");
      const t = table(name);
      const slots = new Map<number, { name: string; value: string | number; type: "str" | "int" }[]>();
      for (const [key, c] of t.entries()) {
        const slot = t.slotOf(key);
        let list = slots.get(slot);
        if (!list) {
          list = [];
          slots.set(slot, list);
        }
        list.push({ name: key, value: c.value, type: typeof c.value === "string" ? "str" : "int" });
      }
      return [...slots.entries()]
        .sort(([a], [b]) => a - b)
        .map(([entry, slot]) => ({ entry, size: slot.length, slot }));
    },
  });
  registry.register({
    name: "htable.flush",
    doc: "Flush hash table.",
    params: "htable:str",
    handler: (params) => {
      const [name] = scan(params, 1, "No htable name given");
      table(name).reset();
    },
  });
  registry.register({
    name: "htable.reload",
    doc: "Reload hash table.",
    params: "htable:str",
    handler: async (params) => {
      if (!mod.hasDb) throw new RpcError(500, "No htable db_url");
      const [name] = scan(params, 1, "No htable name given");
      table(name);
      try {
        await mod.reload(name);
      } catch (e) {
        throw new RpcError(
          500,
          e instanceof ReloadError ? `Htable reload failed: ${e.reason}` : "Htable reload failed",
        );
      }
      return "Ok. Htable reloaded.";
    },
  });
  registry.register({
    name: "htable.listTables",
    doc: "List all htables.",
    flags: { returnsArray: true },
    handler: () => {
      if (mod.tables.length === 0) throw new RpcError(500, "No htables");
      return mod.tables.map((t) => ({
        name: t.name,
        dbtable: t.spec.dbtable,
        dbmode: t.spec.dbmode,
        expire: t.spec.autoexpire,
        updateexpire: t.spec.updateexpire,
        size: t.slots,
        dmqreplicate: t.spec.dmqreplicate,
      }));
    },
  });
  registry.register({
    name: "htable.stats",
    doc: "Statistics about htables.",
    flags: { returnsArray: true },
    handler: () => {
      if (mod.tables.length === 0) throw new RpcError(500, "No htables");
      return mod.tables.map((t) => {
        const per = new Map<number, number>();
        let all = 0;
        for (const [key] of t.entries()) {
          const s = t.slotOf(key);
          per.set(s, (per.get(s) ?? 0) + 1);
          all++;
        }
        const counts = [...per.values()];
        // Slots without items count as 0 for the minimum, as Kamailio walks every slot.
        const min = per.size < t.slots ? 0 : Math.min(...counts);
        return { name: t.name, slots: t.slots, all, min, max: counts.length ? Math.max(...counts) : 0 };
      });
    },
  });
}
