import type { Metadata } from "next";
import { ChartsView } from "./view";

export const metadata: Metadata = { title: "Charts" };

export default function ChartsPage() {
  return (
    <>
      <h1>Charts</h1>
      <p className="lead">
        Answered calls from <code>cdrs</code>; INVITE replies and failed calls from <code>acc</code> and{" "}
        <code>missed_calls</code> (each call counted once); SIP load, memory and registrations from the{" "}
        <code>statistics</code> samples.
      </p>
      <ChartsView />
    </>
  );
}
