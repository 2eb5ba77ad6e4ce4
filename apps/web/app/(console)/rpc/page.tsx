import type { Metadata } from "next";
import { RpcConsoleView } from "./view";

export const metadata: Metadata = { title: "RPC console" };

export default function RpcConsolePage() {
  return (
    <>
      <h1>RPC console</h1>
      <p className="lead">
        Send any command a node offers (<code>system.listMethods</code>), as <code>kamcmd</code> would.
        Viewers may send read-only commands (lists, dumps, statistics, lookups), operators also reloads and
        dispatcher states, admins everything. Every command is recorded in the audit log.
      </p>
      <RpcConsoleView />
    </>
  );
}
