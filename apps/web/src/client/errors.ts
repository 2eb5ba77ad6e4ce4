/** Reading tRPC errors in the browser: a one-line message and the per-field messages for forms. */
import { TRPCClientError } from "@trpc/client";

export function errorMessage(e: unknown): string {
  if (e instanceof TRPCClientError) {
    if (e.message.startsWith("Unexpected token") || e.message === "Failed to fetch") {
      return "the console server did not answer; check that it is running";
    }
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function fieldErrorsOf(e: unknown): Record<string, string> {
  if (e instanceof TRPCClientError) {
    const fe = (e.data as { fieldErrors?: Record<string, string> | null } | undefined)?.fieldErrors;
    if (fe) return fe;
  }
  return {};
}

/** The node warnings a mutation returned ({ nodes: [{ node, ok, error }] }), as one line each. */
export function nodeFailures(result: unknown): string[] {
  const nodes = (result as { nodes?: { node: string; ok: boolean; error?: string }[] } | undefined)?.nodes;
  return (nodes ?? []).filter((n) => !n.ok).map((n) => `${n.node}: ${n.error ?? "failed"}`);
}
