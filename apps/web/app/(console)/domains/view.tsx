"use client";
import { useMutation } from "@tanstack/react-query";
import { CrudPage } from "@/client/components/CrudPage";
import { ReloadBanner, useReloadStatusRefresh } from "@/client/components/ReloadBanner";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { domainAttrCreate, domainAttrUpdate, domainCreate, domainUpdate } from "@/shared/schemas/domains";

type DomainRow = RouterOutputs["domains"]["list"]["rows"][number];
type AttrRow = RouterOutputs["domains"]["attrs"]["list"]["rows"][number];

const ATTR_TYPES = [
  { value: 2, label: "string" },
  { value: 0, label: "integer" },
];

export function DomainsView() {
  const trpc = useTRPC();
  const refreshReload = useReloadStatusRefresh("domain");
  const create = useMutation(trpc.domains.create.mutationOptions());
  const update = useMutation(trpc.domains.update.mutationOptions());
  const remove = useMutation(trpc.domains.delete.mutationOptions());
  const createAttr = useMutation(trpc.domains.attrs.create.mutationOptions());
  const updateAttr = useMutation(trpc.domains.attrs.update.mutationOptions());
  const removeAttr = useMutation(trpc.domains.attrs.delete.mutationOptions());

  return (
    <>
      <ReloadBanner module="domain" />
      <CrudPage<DomainRow>
        noun="domain"
        label="Domains"
        editRole="admin"
        columns={[
          { key: "domain", label: "Domain", sortable: true },
          { key: "did", label: "did", sortable: true, render: (r) => r.did ?? "" },
          { key: "lastModified", label: "Last modified", sortable: true },
        ]}
        query={(p) => trpc.domains.list.queryOptions(p)}
        invalidate={trpc.domains.pathKey()}
        onChanged={refreshReload}
        initialSort={{ sort: "domain", dir: "asc" }}
        searchPlaceholder="Domain prefix"
        emptyText="No domains yet: requests are then matched against the configured SIP domain only."
        fields={() => [
          { name: "domain", label: "Domain", required: true, placeholder: "example.com" },
          { name: "did", label: "did", help: "Domain id linking attributes; empty uses the domain itself." },
        ]}
        createSchema={domainCreate}
        updateSchema={domainUpdate}
        emptyValues={{ domain: "", did: "" }}
        toFormValues={(r) => ({ domain: r.domain, did: r.did ?? "" })}
        describe={(r) => r.domain}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
      />
      <h2>Domain attributes</h2>
      <CrudPage<AttrRow>
        noun="attribute"
        label="Domain attributes"
        editRole="admin"
        columns={[
          { key: "did", label: "did" },
          { key: "name", label: "Name", sortable: true },
          { key: "type", label: "Type", render: (r) => (r.type === 0 ? "integer" : "string") },
          { key: "value", label: "Value" },
        ]}
        query={(p) => trpc.domains.attrs.list.queryOptions(p)}
        invalidate={trpc.domains.attrs.pathKey()}
        onChanged={refreshReload}
        initialSort={{ sort: "name", dir: "asc" }}
        searchPlaceholder="Attribute name prefix"
        emptyText="No domain attributes."
        fields={() => [
          { name: "did", label: "did", required: true },
          { name: "name", label: "Name", required: true },
          { name: "type", label: "Type", type: "select", options: ATTR_TYPES },
          { name: "value", label: "Value" },
        ]}
        createSchema={domainAttrCreate}
        updateSchema={domainAttrUpdate}
        emptyValues={{ did: "", name: "", type: 2, value: "" }}
        toFormValues={(r) => ({ did: r.did, name: r.name, type: r.type, value: r.value })}
        describe={(r) => `${r.did}/${r.name}`}
        create={createAttr.mutateAsync}
        update={updateAttr.mutateAsync}
        remove={removeAttr.mutateAsync}
      />
    </>
  );
}
