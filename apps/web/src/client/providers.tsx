"use client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { type ReactNode, useRef, useState } from "react";
import type { AppRouter } from "../server/routers/_app";
import { ConfirmProvider } from "./confirm";
import { type ClientSession, SessionProvider } from "./session";
import { ToastProvider } from "./toast";
import { TRPCProvider } from "./trpc";

/** Retry only what may heal by itself (network, database restart), never a refusal or a bad input. */
function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
    if (status && status < 500) return false;
  }
  return failures < 2;
}

export function Providers({ session, children }: { session: ClientSession | null; children: ReactNode }) {
  // The CSRF token can change (login, password change) without a new client.
  const csrf = useRef(session?.csrfToken ?? "");
  csrf.current = session?.csrfToken ?? "";

  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: false } },
        queryCache: new QueryCache({
          onError: (error) => {
            // A session that ended (logout elsewhere, expiry) sends the user to the login page.
            if (error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED")
              window.location.assign("/login");
          },
        }),
      }),
  );
  const csrfHeader = () => (csrf.current ? { "x-csrf-token": csrf.current } : {});
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Calls marked { skipBatch: true } go alone (e.g. a node card): a batch answers only when its
        // slowest call does, and one dead node must not hold the rest of the page.
        splitLink({
          condition: (op) => op.context.skipBatch === true,
          true: httpLink({ url: "/api/trpc", headers: csrfHeader }),
          false: httpBatchLink({ url: "/api/trpc", headers: csrfHeader }),
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <SessionProvider value={session}>
          <ToastProvider>
            <ConfirmProvider>{children}</ConfirmProvider>
          </ToastProvider>
        </SessionProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
