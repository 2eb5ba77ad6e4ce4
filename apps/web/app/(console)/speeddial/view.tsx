"use client";
import { useMutation } from "@tanstack/react-query";
import { CrudPage } from "@/client/components/CrudPage";
import { useDomainSuggestions } from "@/client/domains";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { speedDialCreate, speedDialUpdate } from "@/shared/schemas/speeddial";

type Row = RouterOutputs["speeddial"]["list"]["rows"][number];

export function SpeedDialView({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const domains = useDomainSuggestions(defaultDomain);
  const create = useMutation(trpc.speeddial.create.mutationOptions());
  const update = useMutation(trpc.speeddial.update.mutationOptions());
  const remove = useMutation(trpc.speeddial.delete.mutationOptions());

  return (
    <CrudPage<Row>
      noun="speed dial"
      label="Speed dials"
      columns={[
        { key: "username", label: "Account", sortable: true, render: (r) => `${r.username}@${r.domain}` },
        { key: "sdUsername", label: "Short number", sortable: true },
        { key: "newUri", label: "Target URI" },
        { key: "name", label: "Name", render: (r) => [r.fname, r.lname].filter(Boolean).join(" ") },
        { key: "description", label: "Description" },
      ]}
      query={(p) => trpc.speeddial.list.queryOptions(p)}
      invalidate={trpc.speeddial.pathKey()}
      initialSort={{ sort: "username", dir: "asc" }}
      searchPlaceholder="Account username prefix"
      emptyText="No speed dials yet."
      fields={() => [
        { name: "username", label: "Account username", required: true },
        { name: "domain", label: "Account domain", required: true, suggestions: domains },
        { name: "sdUsername", label: "Short number", required: true, placeholder: "11" },
        { name: "sdDomain", label: "Short number domain", required: true, suggestions: domains },
        { name: "newUri", label: "Target URI", required: true, placeholder: "sip:bob@example.com" },
        { name: "fname", label: "First name" },
        { name: "lname", label: "Last name" },
        { name: "description", label: "Description" },
      ]}
      createSchema={speedDialCreate}
      updateSchema={speedDialUpdate}
      emptyValues={{
        username: "",
        domain: defaultDomain,
        sdUsername: "",
        sdDomain: defaultDomain,
        newUri: "",
        fname: "",
        lname: "",
        description: "",
      }}
      toFormValues={({ id: _id, ...r }) => r}
      describe={(r) => `${r.sdUsername} of ${r.username}@${r.domain}`}
      create={create.mutateAsync}
      update={update.mutateAsync}
      remove={remove.mutateAsync}
    />
  );
}
