import type { Metadata } from "next";
import { appConfig } from "@/server/config";
import { GroupsView } from "./view";

export const metadata: Metadata = { title: "Groups" };

export default function GroupsPage() {
  return (
    <>
      <h1>Groups</h1>
      <p className="lead">
        Group membership for <code>is_user_in()</code> (<code>grp</code>) and groups by regular expression
        over the user's URI for <code>get_user_group()</code> (<code>re_grp</code>). The group module reads
        these tables when asked, so changes apply without a reload.
      </p>
      <GroupsView defaultDomain={appConfig().sip.domain} />
    </>
  );
}
