/** The audit log (sb_audit): newest first by default, filtered by admin, action, node, outcome and time. */
import { sbAudit } from "@switchboard/db";
import { and, eq, gte, lte, type SQL } from "drizzle-orm";
import { auditListInput } from "../../shared/schemas/audit";
import { orderBy, pageOf, prefixMatch } from "../list";
import { adminProcedure, router } from "../trpc";

const sortable = { at: sbAudit.at, username: sbAudit.username, action: sbAudit.action, id: sbAudit.id };

/** "2026-01-02T03:04" (datetime-local) -> "2026-01-02 03:04:00"; anything else is ignored. */
export function localBound(v: string, end: boolean): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (!m) return null;
  const time = m[2] ? `${m[2]}:${m[3] ?? (end ? "59" : "00")}` : end ? "23:59:59" : "00:00:00";
  return `${m[1]} ${time}${end ? ".999" : ""}`;
}

export const auditRouter = router({
  list: adminProcedure.input(auditListInput).query(({ ctx, input }) => {
    const from = localBound(input.from, false);
    const to = localBound(input.to, true);
    const where: (SQL | undefined)[] = [
      input.username ? eq(sbAudit.username, input.username) : undefined,
      input.action ? prefixMatch(sbAudit.action, input.action) : undefined,
      input.search ? prefixMatch(sbAudit.target, input.search) : undefined,
      input.node ? eq(sbAudit.node, input.node) : undefined,
      input.ok === "any" ? undefined : eq(sbAudit.ok, input.ok === "ok"),
      from ? gte(sbAudit.at, from) : undefined,
      to ? lte(sbAudit.at, to) : undefined,
    ];
    return pageOf(input, (limit, offset) =>
      ctx.db
        .select()
        .from(sbAudit)
        .where(and(...where))
        .orderBy(...orderBy(sortable, input.sort ?? "at", input.sort ? input.dir : "desc", sbAudit.id))
        .limit(limit)
        .offset(offset),
    );
  }),
});
