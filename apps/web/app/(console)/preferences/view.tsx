"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import { useDomainSuggestions } from "@/client/domains";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { PREFERENCE_TYPES, preferenceCreate, preferenceUpdate } from "@/shared/schemas/preferences";

type Row = RouterOutputs["preferences"]["list"]["rows"][number];

export function PreferencesView({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const domains = useDomainSuggestions(defaultDomain);
  const attributes = useQuery(trpc.preferences.attributes.queryOptions());
  const [attribute, setAttribute] = useState("");
  const create = useMutation(trpc.preferences.create.mutationOptions());
  const update = useMutation(trpc.preferences.update.mutationOptions());
  const remove = useMutation(trpc.preferences.delete.mutationOptions());

  return (
    <CrudPage<Row>
      noun="preference"
      label="User preferences"
      filters={
        <label>
          Attribute{" "}
          <select
            aria-label="Attribute filter"
            value={attribute}
            onChange={(e) => setAttribute(e.target.value)}
          >
            <option value="">all</option>
            {(attributes.data ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
      }
      resetKey={attribute}
      columns={[
        {
          key: "username",
          label: "User",
          sortable: true,
          render: (r) => (r.username ? `${r.username}${r.domain ? `@${r.domain}` : ""}` : ""),
        },
        { key: "uuid", label: "uuid" },
        { key: "attribute", label: "Attribute", sortable: true },
        { key: "type", label: "Type", render: (r) => (r.type === 1 ? "integer" : "string") },
        { key: "value", label: "Value", render: (r) => <code>{r.value}</code> },
        { key: "lastModified", label: "Last modified", sortable: true },
      ]}
      query={(p) => trpc.preferences.list.queryOptions({ ...p, attribute })}
      invalidate={trpc.preferences.pathKey()}
      onChanged={() => void qc.invalidateQueries({ queryKey: trpc.preferences.attributes.queryKey() })}
      initialSort={{ sort: "username", dir: "asc" }}
      searchPlaceholder="Username or uuid prefix, or user@domain"
      emptyText="No user preferences."
      fields={() => [
        { name: "username", label: "Username", placeholder: "alice" },
        { name: "domain", label: "Domain", suggestions: domains },
        { name: "uuid", label: "uuid", help: "For avp_db_load by uuid; may stay empty." },
        {
          name: "attribute",
          label: "Attribute",
          required: true,
          suggestions: attributes.data ?? [],
          placeholder: "callfwd",
        },
        { name: "type", label: "Type", type: "select", options: [...PREFERENCE_TYPES] },
        { name: "value", label: "Value" },
      ]}
      createSchema={preferenceCreate}
      updateSchema={preferenceUpdate}
      emptyValues={{ username: "", domain: defaultDomain, uuid: "", attribute, type: 0, value: "" }}
      toFormValues={(r) => ({
        username: r.username,
        domain: r.domain,
        uuid: r.uuid,
        attribute: r.attribute,
        type: r.type,
        value: r.value,
      })}
      describe={(r) => `${r.attribute} of ${r.username || r.uuid}`}
      create={create.mutateAsync}
      update={update.mutateAsync}
      remove={remove.mutateAsync}
    />
  );
}
