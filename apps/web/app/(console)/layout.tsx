import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Shell } from "@/client/components/Shell";
import { Providers } from "@/client/providers";
import { getServerSession } from "@/server/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { session, error } = await getServerSession();
  if (error) {
    return (
      <main className="center-page">
        <div className="card" role="alert">
          <h1>Database unavailable</h1>
          <p>The console cannot reach its database: {error}</p>
          <p>Start MariaDB (or fix DATABASE_URL) and reload this page.</p>
        </div>
      </main>
    );
  }
  if (!session) redirect("/login");
  const clientSession = {
    username: session.username,
    role: session.role,
    csrfToken: session.csrfToken,
    totpEnabled: session.totpEnabled,
  };
  return (
    <Providers session={clientSession}>
      <Shell>{children}</Shell>
    </Providers>
  );
}
