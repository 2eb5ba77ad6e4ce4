/**
 * The tRPC HTTP endpoint (/api/trpc) as a plain fetch handler: the route handler passes the
 * process's database, config and node caller; tests pass their own and send real Requests, so
 * cookies, CSRF and Origin headers go through the same parsing as in production.
 */
import type { Config } from "@switchboard/config";
import type { Db } from "@switchboard/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContextFromRequest } from "./context";
import type { NodeCaller } from "./nodes/caller";
import { appRouter } from "./routers/_app";

export interface TrpcDeps {
  db: Db;
  config: Config;
  callNode: NodeCaller;
}

/** `deps` is called per request, inside context creation, so a failure there is a tRPC error. */
export function handleTrpcRequest(req: Request, deps: () => TrpcDeps): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContextFromRequest(req, resHeaders, deps()),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path}:`, error.cause ?? error);
    },
  });
}
