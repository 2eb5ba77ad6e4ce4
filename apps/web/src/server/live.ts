/**
 * Live questions to one node or all of them, for the pages that show a node's in-memory state
 * (dispatcher states, dialplan translation, cfg values, the RPC console). Every command goes through
 * callNodeAudited, so it is in the audit log with the node's name; a node that fails is reported in
 * the answer ({ ok: false, error }) and never hides the other nodes' answers.
 */
import { sbNode } from "@switchboard/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { callNodeAudited, enabledNodes, type NodeCallResult } from "./nodes/broadcast";
import type { NodeTarget } from "./nodes/caller";
import type { AuthedContext } from "./trpc";

export async function nodeById(ctx: AuthedContext, id: number): Promise<NodeTarget> {
  const [node] = await ctx.db
    .select({
      id: sbNode.id,
      name: sbNode.name,
      url: sbNode.url,
      protocol: sbNode.protocol,
      token: sbNode.token,
      kind: sbNode.kind,
    })
    .from(sbNode)
    .where(eq(sbNode.id, id));
  if (!node) throw new TRPCError({ code: "NOT_FOUND", message: `node ${id} not found; pick another node` });
  return node;
}

/** One command on one node (by id); the outcome, failures included, as data. */
export async function askNode(
  ctx: AuthedContext,
  nodeId: number,
  method: string,
  params: unknown[] = [],
): Promise<NodeCallResult & { nodeId: number }> {
  const node = await nodeById(ctx, nodeId);
  return { ...(await callNodeAudited(ctx, node, method, params)), nodeId: node.id };
}

/** The result of a command that must work, or BAD_GATEWAY with the node's own words. */
export function resultOf(r: NodeCallResult): unknown {
  if (!r.ok) throw new TRPCError({ code: "BAD_GATEWAY", message: `node ${r.node}: ${r.error ?? "failed"}` });
  return r.result;
}

/** The same command on every enabled node, each answer turned into rows by `read` (or the error). */
export async function askEveryNode<T>(
  ctx: AuthedContext,
  method: string,
  params: unknown[],
  read: (result: unknown) => T,
): Promise<{ nodeId: number; node: string; ok: boolean; error?: string; data?: T }[]> {
  const nodes = await enabledNodes(ctx.db);
  return Promise.all(
    nodes.map(async (n) => {
      const r = await callNodeAudited(ctx, n, method, params);
      if (!r.ok) return { nodeId: n.id, node: n.name, ok: false, error: r.error };
      try {
        return { nodeId: n.id, node: n.name, ok: true, data: read(r.result) };
      } catch (e) {
        return { nodeId: n.id, node: n.name, ok: false, error: (e as Error).message };
      }
    }),
  );
}

/** Enabled nodes for the node pickers (no URLs or tokens). */
export async function nodeChoices(ctx: AuthedContext): Promise<{ id: number; name: string; kind: string }[]> {
  return (await enabledNodes(ctx.db)).map((n) => ({ id: n.id, name: n.name, kind: n.kind }));
}
