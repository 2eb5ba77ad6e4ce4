import type { Metadata } from "next";
import { BillingView } from "./view";

export const metadata: Metadata = { title: "Billing rates" };

export default function BillingPage() {
  return (
    <>
      <h1>Billing rates</h1>
      <p className="lead">
        Rates (<code>billing_rates</code>) used to price CDRs: within a rate group, the longest prefix of the
        callee's number wins, and the cost is the rate unit per started time unit (65 s at 10 per 60 s costs
        20). An empty prefix matches every number. Already rated CDRs keep their cost until you rate all CDRs
        again on the CDRs page.
      </p>
      <BillingView />
    </>
  );
}
