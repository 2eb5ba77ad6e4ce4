/**
 * The RPC console: any command on any node, with the node's own method list and help. `send` is a
 * mutation open to every role and checks the method against the caller's role (../../shared/rpc-console.ts):
 * viewers send read-only commands, operators also reloads and dispatcher states, admins anything.
 * Each command is audited with the node's name (callNodeAudited), refused ones too (the mutation's row).
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hasRole } from "../../shared/roles";
import { rpcMethodRole } from "../../shared/rpc-console";
import { askNode, nodeChoices, resultOf } from "../live";
import { router, viewerProcedure } from "../trpc";

const nodeInput = z.object({ nodeId: z.number().int().positive() });
const methodName = z
  .string()
  .trim()
  .min(1, "pick a method")
  .max(128)
  .regex(/^[A-Za-z0-9_.]+$/, "method names use letters, digits, _ and .");

export const rpcRouter = router({
  /** Enabled nodes for the node pickers of the live pages. */
  nodes: viewerProcedure.query(({ ctx }) => nodeChoices(ctx)),

  /** system.listMethods, each with the least role the console requires to call it. */
  methods: viewerProcedure.input(nodeInput).query(async ({ ctx, input }) => {
    const r = await askNode(ctx, input.nodeId, "system.listMethods");
    if (!r.ok) return { ok: false as const, node: r.node, error: r.error ?? "failed", methods: [] };
    const names = Array.isArray(r.result) ? r.result.map(String) : [];
    return {
      ok: true as const,
      node: r.node,
      error: null,
      methods: [...new Set(names)].sort().map((name) => ({ name, role: rpcMethodRole(name) })),
    };
  }),

  /** system.methodHelp for one method. */
  help: viewerProcedure
    .input(nodeInput.extend({ method: methodName }))
    .query(async ({ ctx, input }) =>
      String(resultOf(await askNode(ctx, input.nodeId, "system.methodHelp", [input.method])) ?? ""),
    ),

  send: viewerProcedure
    .input(nodeInput.extend({ method: methodName, params: z.array(z.unknown()).max(32).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const needed = rpcMethodRole(input.method);
      if (!hasRole(ctx.session.role, needed)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `${input.method} needs the ${needed} role in the RPC console (you are ${ctx.session.role})`,
        });
      }
      const started = Date.now();
      const r = await askNode(ctx, input.nodeId, input.method, input.params);
      return {
        node: r.node,
        ok: r.ok,
        result: r.result ?? null,
        error: r.error ?? null,
        ms: Date.now() - started,
      };
    }),
});
