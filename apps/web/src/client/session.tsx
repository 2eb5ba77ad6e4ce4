"use client";
import { createContext, useContext } from "react";
import type { Role } from "../shared/roles";
import { hasRole } from "../shared/roles";

export interface ClientSession {
  username: string;
  role: Role;
  csrfToken: string;
  totpEnabled: boolean;
}

const SessionContext = createContext<ClientSession | null>(null);

export const SessionProvider = SessionContext.Provider;

/** The logged-in admin; null on the login page. */
export function useSession(): ClientSession | null {
  return useContext(SessionContext);
}

/** Whether the logged-in admin may do what `needed` allows (UI only; every procedure checks again). */
export function useCan(needed: Role): boolean {
  const s = useSession();
  return !!s && hasRole(s.role, needed);
}
