import type { Metadata } from "next";
import { appConfig } from "@/server/config";
import { SubscribersView } from "./view";

export const metadata: Metadata = { title: "Subscribers" };

export default function SubscribersPage() {
  const { sip, features } = appConfig();
  return (
    <>
      <h1>Subscribers</h1>
      <p className="lead">
        SIP accounts (<code>subscriber</code>). Passwords are stored as digest hashes (ha1, ha1b)
        {features.storePlaintextPw ? " and in clear text (STORE_PLAINTEXT_PW is on)" : " only"}.
      </p>
      <SubscribersView defaultDomain={sip.domain} />
    </>
  );
}
