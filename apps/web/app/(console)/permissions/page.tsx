import type { Metadata } from "next";
import { PermissionsView } from "./view";

export const metadata: Metadata = { title: "Permissions" };

export default function PermissionsPage() {
  return (
    <>
      <h1>Permissions</h1>
      <p className="lead">
        Address groups for <code>allow_source_address()</code> (<code>address</code>: IPv4/IPv6 networks, host
        names, ports) and trusted peers for <code>allow_trusted()</code> (<code>trusted</code>). Nodes keep
        both in memory: reload after a change.
      </p>
      <PermissionsView />
    </>
  );
}
