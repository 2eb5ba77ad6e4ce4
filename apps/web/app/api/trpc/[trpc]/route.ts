import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appConfig } from "@/server/config";
import { createContextFromRequest } from "@/server/context";
import { getDb } from "@/server/db";
import { rpcNodeCaller } from "@/server/nodes/rpc-caller";
import { appRouter } from "@/server/routers/_app";

// mysql2 needs the Node runtime; every answer depends on the session cookie.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createContextFromRequest(req, resHeaders, {
        db: getDb(),
        config: appConfig(),
        callNode: rpcNodeCaller,
      }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
