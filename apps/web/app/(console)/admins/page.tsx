import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServerSession } from "@/server/session";
import { hasRole } from "@/shared/roles";
import { AdminsView } from "./view";

export const metadata: Metadata = { title: "Admins" };

export default async function AdminsPage() {
  const { session } = await getServerSession();
  if (!session || !hasRole(session.role, "admin")) redirect("/");
  return (
    <>
      <h1>Admins</h1>
      <p className="lead">
        Console accounts. <strong>admin</strong>: everything; <strong>operator</strong>: subscribers, aliases,
        speed dials, ACLs and reloads; <strong>viewer</strong>: read-only.
      </p>
      <AdminsView />
    </>
  );
}
