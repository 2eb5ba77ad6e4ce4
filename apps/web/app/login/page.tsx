import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/client/components/LoginForm";
import { Providers } from "@/client/providers";
import { getServerSession } from "@/server/session";

export const metadata: Metadata = { title: "Log in" };
export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const { session } = await getServerSession();
  if (session) redirect("/");
  return (
    <Providers session={null}>
      <main className="center-page">
        <LoginForm />
      </main>
    </Providers>
  );
}
