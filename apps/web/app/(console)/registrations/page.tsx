import type { Metadata } from "next";
import { RegistrationsView } from "./view";

export const metadata: Metadata = { title: "Registrations" };

export default function RegistrationsPage() {
  return (
    <>
      <h1>Registrations</h1>
      <p className="lead">
        Registered contacts, live from a node's location service (<code>ul.dump</code>). When the node does
        not answer, the <code>location</code> table is shown instead.
      </p>
      <RegistrationsView />
    </>
  );
}
