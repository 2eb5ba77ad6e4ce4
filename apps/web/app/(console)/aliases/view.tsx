"use client";
import { useMutation } from "@tanstack/react-query";
import { CrudPage } from "@/client/components/CrudPage";
import { useDomainSuggestions } from "@/client/domains";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { aliasCreate, aliasUpdate } from "@/shared/schemas/aliases";

type Row = RouterOutputs["aliases"]["list"]["rows"][number];

export function AliasesView({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const domains = useDomainSuggestions(defaultDomain);
  const create = useMutation(trpc.aliases.create.mutationOptions());
  const update = useMutation(trpc.aliases.update.mutationOptions());
  const remove = useMutation(trpc.aliases.delete.mutationOptions());

  return (
    <CrudPage<Row>
      noun="alias"
      label="Aliases"
      columns={[
        {
          key: "aliasUsername",
          label: "Alias",
          sortable: true,
          render: (r) => `${r.aliasUsername}@${r.aliasDomain}`,
        },
        {
          key: "username",
          label: "Target account",
          sortable: true,
          render: (r) => `${r.username}@${r.domain}`,
        },
      ]}
      query={(p) => trpc.aliases.list.queryOptions(p)}
      invalidate={trpc.aliases.pathKey()}
      initialSort={{ sort: "aliasUsername", dir: "asc" }}
      searchPlaceholder="Alias username prefix"
      emptyText="No aliases yet."
      fields={() => [
        { name: "aliasUsername", label: "Alias username", required: true, placeholder: "sales" },
        { name: "aliasDomain", label: "Alias domain", required: true, suggestions: domains },
        { name: "username", label: "Target username", required: true, placeholder: "alice" },
        { name: "domain", label: "Target domain", required: true, suggestions: domains },
      ]}
      createSchema={aliasCreate}
      updateSchema={aliasUpdate}
      emptyValues={{ aliasUsername: "", aliasDomain: defaultDomain, username: "", domain: defaultDomain }}
      toFormValues={(r) => ({
        aliasUsername: r.aliasUsername,
        aliasDomain: r.aliasDomain,
        username: r.username,
        domain: r.domain,
      })}
      describe={(r) => `${r.aliasUsername}@${r.aliasDomain}`}
      create={create.mutateAsync}
      update={update.mutateAsync}
      remove={remove.mutateAsync}
    />
  );
}
