/**
 * GET /health and GET /metrics on sipd's HTTP listener (behind the RPC access policy):
 * health is 200 when the sockets are bound and the database answers (503 otherwise);
 * metrics is the Prometheus text form of the same counters as stats.get_statistics.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StatsRegistry } from "./stats.ts";

export interface HealthSources {
  stats: StatsRegistry;
  sockets: () => string[];
  dbPing?: () => Promise<boolean>;
}

/** "core:rcv_requests" -> "kamailio_core_rcv_requests" style, with our prefix. */
export function metricName(key: string): string {
  return `sipd_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

export function prometheusText(snapshot: Record<string, number>): string {
  let out = "";
  for (const key of Object.keys(snapshot).sort()) {
    const name = metricName(key);
    out += `# HELP ${name} ${key}\n# TYPE ${name} gauge\n${name} ${snapshot[key]}\n`;
  }
  return out;
}

export function healthRoutes(src: HealthSources) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET") return false;
    if (req.url === "/health") {
      const sockets = src.sockets();
      const database = src.dbPing ? ((await src.dbPing().catch(() => false)) ? "ok" : "down") : "none";
      const ok = sockets.length > 0 && database !== "down";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "degraded", database, sockets }));
      return true;
    }
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(prometheusText(src.stats.snapshot()));
      return true;
    }
    return false;
  };
}
