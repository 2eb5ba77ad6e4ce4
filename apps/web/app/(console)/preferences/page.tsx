import type { Metadata } from "next";
import { appConfig } from "@/server/config";
import { PreferencesView } from "./view";

export const metadata: Metadata = { title: "User preferences" };

export default function PreferencesPage() {
  return (
    <>
      <h1>User preferences</h1>
      <p className="lead">
        Per-user attributes (<code>usr_preferences</code>) the routing script loads as AVPs with{" "}
        <code>avp_db_load()</code>, by username@domain or by uuid. Read on every load: no reload needed.
      </p>
      <PreferencesView defaultDomain={appConfig().sip.domain} />
    </>
  );
}
