"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { NAV } from "../../shared/nav";
import { hasRole } from "../../shared/roles";
import { errorMessage } from "../errors";
import { useHydrated } from "../hydrated";
import { useSession } from "../session";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const trpc = useTRPC();
  const toast = useToast();
  const hydrated = useHydrated();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => window.location.assign("/login"),
      onError: (e) => toast.error(`Logout failed: ${errorMessage(e)}`),
    }),
  );

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link href="/" className="brand">
          Switchboard
        </Link>
        <nav aria-label="Main">
          {NAV.map((section) => {
            const items = section.items.filter((i) => session && hasRole(session.role, i.role));
            if (items.length === 0) return null;
            return (
              <div key={section.title} className="nav-section">
                <h2>{section.title}</h2>
                <ul>
                  {items.map((i) => {
                    const active = pathname === i.href || pathname.startsWith(`${i.href}/`);
                    return (
                      <li key={i.href}>
                        <Link href={i.href} aria-current={active ? "page" : undefined}>
                          {i.label}
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
        </nav>
      </aside>
      <div className="main-col">
        <header className="topbar">
          <span className="spacer" />
          {session && (
            <span className="user" data-testid="current-user">
              {session.username} <span className={`role role-${session.role}`}>{session.role}</span>
            </span>
          )}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => logout.mutate()}
            disabled={!hydrated || logout.isPending}
          >
            Log out
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
