/**
 * GET /health: 200 {"status":"ok","database":"ok"} when the console can reach its database,
 * 503 with the reason otherwise (compose healthchecks, load balancers). No login needed, no data shown.
 */
import { sql } from "drizzle-orm";
import { getDb } from "../../src/server/db";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    await getDb().execute(sql`SELECT 1`);
    return Response.json({ status: "ok", database: "ok" });
  } catch (e) {
    const reason =
      (e as { cause?: { code?: string }; code?: string }).cause?.code ?? (e as { code?: string }).code;
    return Response.json(
      { status: "degraded", database: "down", reason: reason ?? "unreachable" },
      { status: 503 },
    );
  }
}
