"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc";

/** Domain names for form suggestions: the configured SIP domain first, then the `domain` table. */
export function useDomainSuggestions(defaultDomain: string): string[] {
  const trpc = useTRPC();
  const names = useQuery(trpc.domains.names.queryOptions());
  return [...new Set([defaultDomain, ...(names.data ?? [])])];
}
