/**
 * CSV download of the acc, missed_calls and cdrs lists: GET /api/export/<kind>?<the page's filters>.
 * Streamed chunk by chunk (see src/server/accounting/export.ts); any logged-in role may export what
 * it may list. Each export is written to the audit log with its filters.
 */
import { ZodError, z } from "zod";
import { exportCsv, parseExportFilter } from "@/server/accounting/export";
import { auditExport, csvResponse, downloadSession, textResponse } from "@/server/csv-response";
import { getDb } from "@/server/db";
import { EXPORT_KINDS } from "@/shared/schemas/accounting";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ kind: string }> }) {
  const kind = z.enum(EXPORT_KINDS).safeParse((await params).kind);
  if (!kind.success) return textResponse(404, "unknown export");
  const allowed = await downloadSession(req);
  if ("refusal" in allowed) return allowed.refusal;

  let filter: ReturnType<typeof parseExportFilter>;
  try {
    filter = parseExportFilter(kind.data, new URL(req.url).searchParams);
  } catch (e) {
    return textResponse(400, e instanceof ZodError ? z.prettifyError(e) : (e as Error).message);
  }
  const db = getDb();
  await auditExport(db, allowed.session, kind.data, kind.data, filter);
  return csvResponse(exportCsv(db, kind.data, filter), kind.data);
}
