/**
 * Server settings: the runtime variables of a node's cfg framework (cfg.list / cfg.get / cfg.help /
 * cfg.set), e.g. pstn.gw_ip and voicemail.srv_port of the default kamailio.cfg. Values live in the
 * node's memory: they last until it restarts (the config file holds the start values). Reading is
 * for every role; setting needs the admin role and is audited twice: the mutation, and the cfg.set
 * command per node it was sent to.
 */
import { normalizeCfgList } from "@switchboard/rpc/normalize";
import { z } from "zod";
import { cfgSetInput, cfgValue } from "../../shared/schemas/settings";
import { fieldError } from "../errors";
import { askNode, nodeById, resultOf } from "../live";
import { callNodeAudited, enabledNodes } from "../nodes/broadcast";
import { adminProcedure, router, viewerProcedure } from "../trpc";

export interface CfgVar {
  group: string;
  name: string;
  value: string;
  type: "int" | "string";
}

/** cfg.get group answers { var: value, ... }; the JSON type of each value tells the variable's type. */
function groupVars(group: string, names: string[], values: unknown): CfgVar[] {
  const obj = (values && typeof values === "object" ? values : {}) as Record<string, unknown>;
  return names.map((name) => {
    const v = obj[name];
    return {
      group,
      name,
      value: v === undefined || v === null ? "" : String(v),
      type: typeof v === "number" ? "int" : "string",
    };
  });
}

export const settingsRouter = router({
  /** Every variable of the node with its current value, grouped as cfg.list lists them. */
  list: viewerProcedure
    .input(z.object({ nodeId: z.number().int().positive() }))
    .query(async ({ ctx, input }) => {
      const listed = await askNode(ctx, input.nodeId, "cfg.list");
      if (!listed.ok)
        return { node: listed.node, ok: false as const, error: listed.error ?? "failed", vars: [] };
      const byGroup = new Map<string, string[]>();
      for (const { group, name } of normalizeCfgList(listed.result)) {
        byGroup.set(group, [...(byGroup.get(group) ?? []), name]);
      }
      const vars: CfgVar[] = [];
      const errors: string[] = [];
      for (const [group, names] of byGroup) {
        const r = await askNode(ctx, input.nodeId, "cfg.get", [group]);
        if (r.ok) vars.push(...groupVars(group, names, r.result));
        else errors.push(`${group}: ${r.error}`);
      }
      return { node: listed.node, ok: errors.length === 0, error: errors.join("; ") || null, vars };
    }),

  /** cfg.help: the variable's description and type line. */
  help: viewerProcedure
    .input(
      z.object({ nodeId: z.number().int().positive(), group: z.string().max(64), name: z.string().max(64) }),
    )
    .query(async ({ ctx, input }) => {
      const r = resultOf(await askNode(ctx, input.nodeId, "cfg.help", [input.group, input.name]));
      return Array.isArray(r) ? r.map(String).join(" ") : String(r ?? "");
    }),

  /**
   * cfg.set on the chosen node, then (allNodes) on every other enabled node. A refusal by the chosen
   * node is a field message under the value; other nodes' failures come back per node.
   */
  set: adminProcedure.input(cfgSetInput).mutation(async ({ ctx, input }) => {
    const first = await nodeById(ctx, input.nodeId);
    const params = [input.group, input.name, cfgValue(input)];
    const firstResult = await callNodeAudited(ctx, first, "cfg.set", params);
    if (!firstResult.ok) {
      const msg = `${first.name}: ${firstResult.error ?? "failed"}`;
      throw fieldError(/Failed to set/i.test(msg) ? "BAD_REQUEST" : "BAD_GATEWAY", "value", msg);
    }
    const others = input.allNodes ? (await enabledNodes(ctx.db)).filter((n) => n.id !== first.id) : [];
    const rest = await Promise.all(others.map((n) => callNodeAudited(ctx, n, "cfg.set", params)));
    return { nodes: [firstResult, ...rest] };
  }),
});
