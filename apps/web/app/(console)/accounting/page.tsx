import type { Metadata } from "next";
import { AccountingView } from "./view";

export const metadata: Metadata = { title: "Accounting" };

export default function AccountingPage() {
  return (
    <>
      <h1>Accounting</h1>
      <p className="lead">
        Accounted transactions (<code>acc</code>: answered calls as INVITE/BYE pairs, failed INVITEs) and
        missed calls (<code>missed_calls</code>), newest first. Answered calls become CDRs on the CDRs page.
      </p>
      <AccountingView />
    </>
  );
}
