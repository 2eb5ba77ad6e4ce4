import { appConfig } from "@/server/config";
import { getDb } from "@/server/db";
import { handleTrpcRequest } from "@/server/http";
import { rpcNodeCaller } from "@/server/nodes/rpc-caller";

// mysql2 needs the Node runtime; every answer depends on the session cookie.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return handleTrpcRequest(req, () => ({ db: getDb(), config: appConfig(), callNode: rpcNodeCaller }));
}

export { handler as GET, handler as POST };
