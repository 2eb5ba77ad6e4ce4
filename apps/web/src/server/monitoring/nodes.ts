/**
 * Reading live state from the nodes for display (dashboard cards, registrations). These periodic
 * reads are not commands an operator sends, so they are not written to the audit log (a dashboard
 * polling every few seconds would bury the real entries); commands that change a node go through
 * callNodeAudited (nodes/broadcast.ts).
 */
import { TRPCError } from "@trpc/server";
import { enabledNodes, type NodeCallResult } from "../nodes/broadcast";
import type { NodeTarget } from "../nodes/caller";
import type { AuthedContext } from "../trpc";

export async function readNode(
  ctx: AuthedContext,
  node: NodeTarget,
  method: string,
  params: unknown[] = [],
): Promise<NodeCallResult> {
  try {
    return { node: node.name, ok: true, result: await ctx.callNode(node, method, params) };
  } catch (e) {
    return { node: node.name, ok: false, error: (e as Error).message || String(e) };
  }
}

/** An enabled node by id; NOT_FOUND for an unknown or disabled one. */
export async function nodeById(ctx: AuthedContext, id: number): Promise<NodeTarget> {
  const node = (await enabledNodes(ctx.db)).find((n) => n.id === id);
  if (!node) throw new TRPCError({ code: "NOT_FOUND", message: `node ${id} is not an enabled node` });
  return node;
}

/** The node asked for, or the first enabled node when none is named (null when there is none). */
export async function pickNode(ctx: AuthedContext, id: number | undefined): Promise<NodeTarget | null> {
  return id === undefined ? ((await enabledNodes(ctx.db))[0] ?? null) : nodeById(ctx, id);
}

/** The enabled nodes as the pages list them. */
export async function nodeChoices(ctx: AuthedContext) {
  return (await enabledNodes(ctx.db)).map((n) => ({ id: n.id, name: n.name, kind: n.kind, url: n.url }));
}
