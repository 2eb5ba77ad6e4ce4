/** How the console talks to a node's RPC endpoint; injected through the tRPC context. */
export interface NodeTarget {
  id: number;
  name: string;
  url: string;
  protocol: "jsonrpc" | "xmlrpc";
  token: string;
  kind: "sipd" | "kamailio";
}

/** Calls `method` with positional params on a node; rejects with a readable Error on any failure. */
export type NodeCaller = (node: NodeTarget, method: string, params: unknown[]) => Promise<unknown>;
