import type { Metadata } from "next";
import { NodesView } from "./view";

export const metadata: Metadata = { title: "Nodes" };

export default function NodesPage() {
  return (
    <>
      <h1>Nodes</h1>
      <p className="lead">
        The sipd and Kamailio instances this console drives over RPC (JSON-RPC or XML-RPC). Reloads, cache
        invalidation and live views go to every enabled node.
      </p>
      <NodesView />
    </>
  );
}
