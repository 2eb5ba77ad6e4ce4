/**
 * CSV download of the acc, missed_calls and cdrs lists: GET /api/export/<kind>?<the page's filters>.
 * Streamed chunk by chunk (see src/server/accounting/export.ts); any logged-in role may export what
 * it may list. Each export is written to the audit log with its filters.
 */
import { toSqlDateTime } from "@switchboard/db";
import { ZodError, z } from "zod";
import { exportCsv, parseExportFilter } from "@/server/accounting/export";
import { tryAudit } from "@/server/audit";
import { getDb } from "@/server/db";
import { getServerSession } from "@/server/session";
import { EXPORT_KINDS } from "@/shared/schemas/accounting";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const text = (status: number, message: string) =>
  new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function GET(req: Request, { params }: { params: Promise<{ kind: string }> }) {
  const kind = z.enum(EXPORT_KINDS).safeParse((await params).kind);
  if (!kind.success) return text(404, "unknown export");
  // Only pages of this console (or a typed URL) may start a download.
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return text(403, "cross-site request refused");
  const { session, error } = await getServerSession();
  if (error) return text(503, `database unavailable: ${error}`);
  if (!session) return text(401, "not logged in");

  let filter: ReturnType<typeof parseExportFilter>;
  try {
    filter = parseExportFilter(kind.data, new URL(req.url).searchParams);
  } catch (e) {
    return text(400, e instanceof ZodError ? z.prettifyError(e) : (e as Error).message);
  }
  const db = getDb();
  await tryAudit(db, {
    adminId: session.adminId,
    username: session.username,
    action: `export:${kind.data}`,
    target: kind.data,
    details: { filter },
    ok: true,
  });

  const chunks = exportCsv(db, kind.data, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (e) {
        console.error(`export ${kind.data}:`, e);
        controller.error(e);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const stamp = toSqlDateTime(new Date()).replace(/[-: ]/g, "").slice(0, 12);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${kind.data}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
