/**
 * RPC commands of the acc module. Kamailio's acc has none; these are Switchboard extensions, named
 * after kamcli's `acc cdrs-generate` / `acc rates-generate`, so the console can run the CDR job on a
 * sipd node and show the writer's queue.
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import type { CdrEngine } from "./engine.ts";
import type { AccWriter } from "./writer.ts";

function optInt(params: unknown[], i: number, what: string): number | undefined {
  const v = params[i];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v.trim())) return Number(v);
  throw new RpcError(400, `Invalid ${what}`);
}

export function registerAccRpc(registry: RpcRegistry, mod: { writer?: AccWriter; cdrs?: CdrEngine }): void {
  const { writer, cdrs } = mod;
  if (writer)
    registry.register({
      name: "acc.stats",
      doc: "Accounting writer counters: rows pending, written, retries, dropped, rejected.",
      handler: () => writer.counters,
    });
  if (!cdrs) return;
  registry.register({
    name: "acc.cdrs_generate",
    doc: "Generate CDRs from new acc rows (or from acc id <since> on) and rate them.",
    params: "since:int (optional)",
    handler: async (params) => {
      const since = optInt(params, 0, "since");
      const res = since === undefined ? await cdrs.generate() : await cdrs.generateWith({ since });
      return { ...res };
    },
  });
  registry.register({
    name: "acc.rates_generate",
    doc: 'Rate unrated CDRs with billing_rates; "all" rates every CDR again.',
    params: 'rate_group:str (optional), "all" (optional)',
    handler: async (params) => {
      const group = typeof params[0] === "string" && params[0] !== "" ? params[0] : undefined;
      if (params[0] !== undefined && typeof params[0] !== "string")
        throw new RpcError(400, "Invalid rate group");
      const res = await cdrs.rate({ ...(group ? { rateGroup: group } : {}), all: params[1] === "all" });
      return { ...res };
    },
  });
}
