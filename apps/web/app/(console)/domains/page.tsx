import type { Metadata } from "next";
import { DomainsView } from "./view";

export const metadata: Metadata = { title: "Domains" };

export default function DomainsPage() {
  return (
    <>
      <h1>Domains</h1>
      <p className="lead">
        Domains served locally (<code>domain</code>) and their attributes (<code>domain_attrs</code>, joined
        by did). Nodes keep them in memory: reload after a change.
      </p>
      <DomainsView />
    </>
  );
}
