"use client";
/**
 * "Changes not yet loaded on node X" for a module whose tables sipd/Kamailio cache, with the button
 * that sends the module's reload command to every node.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../errors";
import { useHydrated } from "../hydrated";
import { useCan } from "../session";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";

type Module = "domain" | "dispatcher" | "dialplan" | "permissions";

export function ReloadBanner({ module }: { module: Module }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const canReload = useCan("operator");
  const hydrated = useHydrated();
  const status = useQuery(trpc.reload.status.queryOptions({ module }));
  const reload = useMutation(
    trpc.reload.run.mutationOptions({
      onSuccess: (res) => {
        const failed = res.nodes.filter((n) => !n.ok);
        for (const f of failed) toast.error(`Reload on ${f.node} failed: ${f.error}`);
        if (res.nodes.length === 0) toast.info("No enabled nodes to reload.");
        else if (failed.length === 0)
          toast.success(`Reloaded ${module} on ${res.nodes.map((n) => n.node).join(", ")}`);
      },
      onError: (e) => toast.error(`Reload failed: ${errorMessage(e)}`),
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.reload.status.queryKey({ module }) }),
    }),
  );

  const pending = status.data?.nodes.filter((n) => n.pending) ?? [];
  const button = canReload && (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => reload.mutate({ module })}
      disabled={!hydrated || reload.isPending}
    >
      {reload.isPending ? "Reloading…" : `Reload ${module} on all nodes`}
    </button>
  );
  if (pending.length === 0) return <div className="reload-line">{button}</div>;
  return (
    <div className="banner" role="status" data-testid="reload-banner">
      <span>
        Changes not yet loaded on {pending.length === 1 ? "node" : "nodes"}{" "}
        <strong>{pending.map((n) => n.name).join(", ")}</strong>.
      </span>
      {button}
    </div>
  );
}

/** Refreshes the banner after an edit (the server marked the module changed). */
export function useReloadStatusRefresh(module: Module) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: trpc.reload.status.queryKey({ module }) });
}
