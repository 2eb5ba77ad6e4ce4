/**
 * Sending RPC commands to the nodes in sb_node, each call audited as `rpc:<method>` with the node's
 * name. One node failing never stops the others; the caller gets a per-node result to show.
 */
import { type Db, sbNode } from "@switchboard/db";
import { eq } from "drizzle-orm";
import { tryAudit } from "../audit";
import { LastKnown } from "../last-known";
import type { AuthedContext } from "../trpc";
import type { NodeTarget } from "./caller";

export interface NodeCallResult {
  node: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The node list as last read, so the RPC-driven pages keep working through a database outage. */
const lastKnownNodes = new LastKnown<NodeTarget[]>(1);

export async function enabledNodes(db: Db, kinds?: NodeTarget["kind"][]): Promise<NodeTarget[]> {
  const rows = await lastKnownNodes.read("enabled", () => readEnabledNodes(db));
  return kinds ? rows.filter((n) => kinds.includes(n.kind)) : rows;
}

function readEnabledNodes(db: Db): Promise<NodeTarget[]> {
  return db
    .select({
      id: sbNode.id,
      name: sbNode.name,
      url: sbNode.url,
      protocol: sbNode.protocol,
      token: sbNode.token,
      kind: sbNode.kind,
    })
    .from(sbNode)
    .where(eq(sbNode.enabled, true))
    .orderBy(sbNode.name);
}

/** One audited call; failures come back as { ok: false, error } rather than as exceptions. */
export async function callNodeAudited(
  ctx: AuthedContext,
  node: NodeTarget,
  method: string,
  params: unknown[],
): Promise<NodeCallResult> {
  let res: NodeCallResult;
  try {
    const result = await ctx.callNode(node, method, params);
    res = { node: node.name, ok: true, result };
  } catch (e) {
    res = { node: node.name, ok: false, error: (e as Error).message || String(e) };
  }
  await tryAudit(ctx.db, {
    adminId: ctx.session.adminId,
    username: ctx.session.username,
    action: `rpc:${method}`,
    target: params.map(String).join(" ").slice(0, 255),
    node: node.name,
    details: res.ok ? { params } : { params, error: res.error },
    ok: res.ok,
  });
  return res;
}

/** The same command on every enabled node (optionally only nodes of some kinds), in parallel. */
export async function broadcast(
  ctx: AuthedContext,
  method: string,
  params: unknown[],
  kinds?: NodeTarget["kind"][],
): Promise<NodeCallResult[]> {
  const nodes = await enabledNodes(ctx.db, kinds);
  return Promise.all(nodes.map((n) => callNodeAudited(ctx, n, method, params)));
}
