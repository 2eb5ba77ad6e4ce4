import type { Metadata } from "next";
import { appConfig } from "@/server/config";
import { SpeedDialView } from "./view";

export const metadata: Metadata = { title: "Speed dial" };

export default function SpeedDialPage() {
  return (
    <>
      <h1>Speed dial</h1>
      <p className="lead">
        Short numbers per account (<code>speed_dial</code>): when the account dials the short number, the call
        goes to the target URI.
      </p>
      <SpeedDialView defaultDomain={appConfig().sip.domain} />
    </>
  );
}
