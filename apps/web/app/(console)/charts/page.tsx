import type { Metadata } from "next";
import { ChartsView } from "./view";

export const metadata: Metadata = { title: "Charts" };

export default function ChartsPage() {
  return (
    <>
      <h1>Charts</h1>
      <p className="lead">
        Calls from <code>cdrs</code> (answered) and <code>acc</code> (INVITE replies, failed calls); SIP load,
        memory and registrations from the <code>statistics</code> samples.
      </p>
      <ChartsView />
    </>
  );
}
