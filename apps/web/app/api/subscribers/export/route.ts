/**
 * GET /api/subscribers/export?search=&domain= : the subscribers as CSV, in the format the import
 * reads back. It carries the digest hashes (and clear passwords when stored), so it needs the
 * operator role like editing does, and it is audited.
 */
import { auditExport, csvResponse, downloadSession, textResponse } from "@/server/csv-response";
import { getDb } from "@/server/db";
import { subscribersCsv } from "@/server/subscriber-export";
import { hasRole } from "@/shared/roles";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const allowed = await downloadSession(req);
  if ("refusal" in allowed) return allowed.refusal;
  const { session } = allowed;
  if (!hasRole(session.role, "operator"))
    return textResponse(403, "exporting subscribers needs the operator role");

  const params = new URL(req.url).searchParams;
  const filter = {
    search: (params.get("search") ?? "").trim().slice(0, 64),
    domain: (params.get("domain") ?? "").trim().slice(0, 64),
  };
  const db = getDb();
  await auditExport(db, session, "subscribers", filter.search || filter.domain, filter);
  return csvResponse(subscribersCsv(db, filter), "subscribers");
}
