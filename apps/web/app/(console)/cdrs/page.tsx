import type { Metadata } from "next";
import { CdrsView } from "./view";

export const metadata: Metadata = { title: "CDRs" };

export default function CdrsPage() {
  return (
    <>
      <h1>CDRs</h1>
      <p className="lead">
        Call detail records (<code>cdrs</code>): one row per answered call, built from its INVITE and BYE in{" "}
        <code>acc</code> and rated with the billing rates. sipd builds them as calls end; “Generate CDRs now”
        catches up on rows written by other nodes.
      </p>
      <CdrsView />
    </>
  );
}
