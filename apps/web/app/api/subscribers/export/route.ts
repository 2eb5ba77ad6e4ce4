/**
 * GET /api/subscribers/export?search=&domain= : the subscribers as CSV, in the format the import
 * reads back. It carries the digest hashes (and clear passwords when stored), so it needs the
 * operator role like editing does, and it is audited.
 */
import { toSqlDateTime } from "@switchboard/db";
import { tryAudit } from "@/server/audit";
import { csvResponse } from "@/server/csv-response";
import { getDb } from "@/server/db";
import { getServerSession } from "@/server/session";
import { subscribersCsv } from "@/server/subscriber-export";
import { hasRole } from "@/shared/roles";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const text = (status: number, message: string) =>
  new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function GET(req: Request) {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return text(403, "cross-site request refused");
  const { session, error } = await getServerSession();
  if (error) return text(503, `database unavailable: ${error}`);
  if (!session) return text(401, "not logged in");
  if (!hasRole(session.role, "operator")) return text(403, "exporting subscribers needs the operator role");

  const params = new URL(req.url).searchParams;
  const filter = {
    search: (params.get("search") ?? "").trim().slice(0, 64),
    domain: (params.get("domain") ?? "").trim().slice(0, 64),
  };
  const db = getDb();
  await tryAudit(db, {
    adminId: session.adminId,
    username: session.username,
    action: "export:subscribers",
    target: filter.search || filter.domain,
    details: { filter },
    ok: true,
  });

  const stamp = toSqlDateTime(new Date()).replace(/[-: ]/g, "").slice(0, 12);
  return csvResponse(subscribersCsv(db, filter), `subscribers-${stamp}.csv`, "export subscribers");
}
