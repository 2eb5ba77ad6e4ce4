/**
 * A node's dashboard card: version (core.version), uptime (core.uptime), registered users and
 * contacts (stats usrloc:), active transactions (tm.stats current), request counters for the
 * requests/s the page derives between polls (core:rcv_requests / fwd_requests) and shared memory
 * (shmem:). The node counts as down when core.version fails; any other command that fails only
 * blanks its own values and adds a warning (e.g. a node without tm).
 */
import { parseStats } from "@switchboard/rpc/normalize";
import type { NodeCallResult } from "../nodes/broadcast";
import type { NodeTarget } from "../nodes/caller";
import type { AuthedContext } from "../trpc";
import { readNode } from "./nodes";

export const STATS_SELECTORS = ["usrloc:", "shmem:", "core:rcv_requests", "core:fwd_requests"];

export interface NodeStatus {
  id: number;
  name: string;
  kind: NodeTarget["kind"];
  url: string;
  ok: boolean;
  error: string | null;
  version: string | null;
  uptime: number | null;
  users: number | null;
  contacts: number | null;
  activeTransactions: number | null;
  rcvRequests: number | null;
  fwdRequests: number | null;
  shm: { used: number; realUsed: number; maxUsed: number; free: number; total: number } | null;
  /** ms since the epoch when the answers came back. */
  sampledAt: number;
  warnings: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const numOrNull = (v: unknown) =>
  typeof v === "number"
    ? v
    : typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))
      ? Number(v)
      : null;

/** Sum of the counters named group:*suffix (usrloc has one per location table). */
function sumOf(stats: Record<string, number>, group: string, suffix: string): number | null {
  const keys = Object.keys(stats).filter((k) => k.startsWith(`${group}:`) && k.endsWith(suffix));
  return keys.length ? keys.reduce((a, k) => a + stats[k], 0) : null;
}

/** Pure: the card from the answers of the four commands. */
export function nodeStatusFrom(
  node: Pick<NodeTarget, "id" | "name" | "kind" | "url">,
  r: { version: NodeCallResult; uptime: NodeCallResult; stats: NodeCallResult; tm: NodeCallResult },
  sampledAt: number,
): NodeStatus {
  const base = { id: node.id, name: node.name, kind: node.kind, url: node.url, sampledAt };
  const empty = {
    version: null,
    uptime: null,
    users: null,
    contacts: null,
    activeTransactions: null,
    rcvRequests: null,
    fwdRequests: null,
    shm: null,
    warnings: [],
  };
  if (!r.version.ok) return { ...base, ...empty, ok: false, error: r.version.error ?? "no answer" };
  const warnings: string[] = [];
  for (const [what, res] of [
    ["core.uptime", r.uptime],
    ["stats.get_statistics", r.stats],
    ["tm.stats", r.tm],
  ] as const)
    if (!res.ok) warnings.push(`${what}: ${res.error}`);
  const stats = r.stats.ok ? parseStats(r.stats.result) : {};
  const shm = (k: string) => stats[`shmem:${k}`];
  const hasShm = ["used_size", "total_size"].every((k) => shm(k) !== undefined);
  const version =
    typeof r.version.result === "string" ? r.version.result.trim() : JSON.stringify(r.version.result);
  return {
    ...base,
    ok: true,
    error: null,
    version,
    uptime: r.uptime.ok && isObj(r.uptime.result) ? numOrNull(r.uptime.result.uptime) : null,
    users: stats["usrloc:registered_users"] ?? sumOf(stats, "usrloc", "_users"),
    contacts: sumOf(stats, "usrloc", "_contacts"),
    activeTransactions: r.tm.ok && isObj(r.tm.result) ? numOrNull(r.tm.result.current) : null,
    rcvRequests: stats["core:rcv_requests"] ?? null,
    fwdRequests: stats["core:fwd_requests"] ?? null,
    shm: hasShm
      ? {
          used: shm("used_size") ?? 0,
          realUsed: shm("real_used_size") ?? shm("used_size") ?? 0,
          maxUsed: shm("max_used_size") ?? 0,
          free: shm("free_size") ?? 0,
          total: shm("total_size") ?? 0,
        }
      : null,
    warnings,
  };
}

export async function nodeStatus(ctx: AuthedContext, node: NodeTarget): Promise<NodeStatus> {
  const version = await readNode(ctx, node, "core.version");
  const skipped: NodeCallResult = { node: node.name, ok: false, error: "not asked: the node is down" };
  // A node that does not answer core.version is not asked anything else (no 3 more timeouts).
  const [uptime, stats, tm] = version.ok
    ? await Promise.all([
        readNode(ctx, node, "core.uptime"),
        readNode(ctx, node, "stats.get_statistics", STATS_SELECTORS),
        readNode(ctx, node, "tm.stats"),
      ])
    : [skipped, skipped, skipped];
  return nodeStatusFrom(node, { version, uptime, stats, tm }, Date.now());
}
