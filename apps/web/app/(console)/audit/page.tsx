import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServerSession } from "@/server/session";
import { hasRole } from "@/shared/roles";
import { AuditView } from "./view";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const { session } = await getServerSession();
  if (!session || !hasRole(session.role, "admin")) redirect("/");
  return (
    <>
      <h1>Audit log</h1>
      <p className="lead">
        Every change made in the console and every RPC command it sent: who, when, what, on which node.
      </p>
      <AuditView />
    </>
  );
}
