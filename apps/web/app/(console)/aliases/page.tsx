import type { Metadata } from "next";
import { appConfig } from "@/server/config";
import { AliasesView } from "./view";

export const metadata: Metadata = { title: "Aliases" };

export default function AliasesPage() {
  return (
    <>
      <h1>Aliases</h1>
      <p className="lead">
        Extra addresses of an account (<code>dbaliases</code>, alias_db): a call to the alias reaches the
        target account.
      </p>
      <AliasesView defaultDomain={appConfig().sip.domain} />
    </>
  );
}
