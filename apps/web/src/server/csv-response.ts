/**
 * What the CSV download routes (/api/export/<kind>, /api/subscribers/export) share: the checks in
 * front of a download, its audit entry, and the streamed answer.
 */
import type { Db } from "@switchboard/db";
import { toSqlDateTime } from "@switchboard/db";
import { tryAudit } from "./audit";
import type { Session } from "./auth/session";
import { getServerSession } from "./session";

/** A plain-text answer: how the download routes refuse. */
export const textResponse = (status: number, message: string) =>
  new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * The logged-in session that may start a download, or the refusal to send: only pages of this
 * console (or a typed URL) may start one, and only with a session.
 */
export async function downloadSession(req: Request): Promise<{ session: Session } | { refusal: Response }> {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    return { refusal: textResponse(403, "cross-site request refused") };
  const { session, error } = await getServerSession();
  if (error) return { refusal: textResponse(503, `database unavailable: ${error}`) };
  if (!session) return { refusal: textResponse(401, "not logged in") };
  return { session };
}

/** Writes `export:<kind>` with its filters to the audit log (a failed write does not stop the download). */
export function auditExport(db: Db, session: Session, kind: string, target: string, filter: unknown) {
  return tryAudit(db, {
    adminId: session.adminId,
    username: session.username,
    action: `export:${kind}`,
    target,
    details: { filter },
    ok: true,
  });
}

/**
 * A streamed CSV download named `<kind>-YYYYMMDDhhmm.csv`, from an async generator of text chunks
 * (pulled as the client reads).
 */
export function csvResponse(chunks: AsyncGenerator<string>, kind: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (e) {
        console.error(`export ${kind}:`, e);
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
      "content-disposition": `attachment; filename="${kind}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
