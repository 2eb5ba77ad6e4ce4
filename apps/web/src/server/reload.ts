/**
 * "Changes not yet loaded on node X": the console notes when it last changed a reloadable module's
 * table (sb_module_change) and when each node last reloaded that module successfully
 * (sb_node_reload); a node is pending while its reload is older than the change.
 */
import { type Db, sbModuleChange, sbNodeReload, toSqlDateTime } from "@switchboard/db";
import { eq, sql } from "drizzle-orm";
import { callNodeAudited, enabledNodes, type NodeCallResult } from "./nodes/broadcast";
import type { AuthedContext } from "./trpc";

/** Modules whose data sipd/Kamailio cache in memory, and the RPC commands that reload them. */
export const RELOADABLE = {
  domain: ["domain.reload"],
  dispatcher: ["dispatcher.reload"],
  dialplan: ["dialplan.reload"],
  permissions: ["permissions.addressReload", "permissions.trustedReload"],
} as const;
export type ReloadableModule = keyof typeof RELOADABLE;
export const RELOADABLE_MODULES = Object.keys(RELOADABLE) as [ReloadableModule, ...ReloadableModule[]];

const nowText = () => toSqlDateTime(new Date(), true);

export async function markChanged(db: Db, module: ReloadableModule): Promise<void> {
  const at = nowText();
  await db
    .insert(sbModuleChange)
    .values({ module, changedAt: at })
    .onDuplicateKeyUpdate({ set: { changedAt: at } });
}

export interface ReloadStatus {
  module: ReloadableModule;
  changedAt: string | null;
  nodes: { id: number; name: string; reloadedAt: string | null; pending: boolean }[];
}

export async function reloadStatus(db: Db, module: ReloadableModule): Promise<ReloadStatus> {
  const [change] = await db.select().from(sbModuleChange).where(eq(sbModuleChange.module, module));
  const nodes = await enabledNodes(db);
  const reloads = await db.select().from(sbNodeReload).where(eq(sbNodeReload.module, module));
  const byNode = new Map(reloads.map((r) => [r.nodeId, r.reloadedAt]));
  const changedAt = change?.changedAt ?? null;
  return {
    module,
    changedAt,
    nodes: nodes.map((n) => {
      const reloadedAt = byNode.get(n.id) ?? null;
      // Both are zero-padded DATETIME(3) text, so string order is time order.
      return {
        id: n.id,
        name: n.name,
        reloadedAt,
        pending: !!changedAt && (!reloadedAt || reloadedAt < changedAt),
      };
    }),
  };
}

/** Sends the module's reload command(s) to every enabled node; records each node that took them all. */
export async function reloadEverywhere(
  ctx: AuthedContext,
  module: ReloadableModule,
): Promise<NodeCallResult[]> {
  const nodes = await enabledNodes(ctx.db);
  return Promise.all(
    nodes.map(async (node) => {
      const started = nowText();
      let last: NodeCallResult = { node: node.name, ok: true };
      for (const method of RELOADABLE[module]) {
        last = await callNodeAudited(ctx, node, method, []);
        if (!last.ok) return last;
      }
      // The reload covers every change made before it started.
      await ctx.db
        .insert(sbNodeReload)
        .values({ nodeId: node.id, module, reloadedAt: started })
        .onDuplicateKeyUpdate({ set: { reloadedAt: sql`GREATEST(${sbNodeReload.reloadedAt}, ${started})` } });
      return last;
    }),
  );
}

/** Forget reload marks of a deleted node. */
export async function forgetNode(db: Db, nodeId: number): Promise<void> {
  await db.delete(sbNodeReload).where(eq(sbNodeReload.nodeId, nodeId));
}
