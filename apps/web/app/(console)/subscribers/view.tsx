"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import type { FieldSpec } from "@/client/components/FormDialog";
import { useDomainSuggestions } from "@/client/domains";
import { useHydrated } from "@/client/hydrated";
import { useCan } from "@/client/session";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { subscriberCreate, subscriberUpdate } from "@/shared/schemas/subscriber";
import { ImportDialog } from "./import";

type Row = RouterOutputs["subscribers"]["list"]["rows"][number];

export function SubscribersView({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const domains = useDomainSuggestions(defaultDomain);
  const create = useMutation(trpc.subscribers.create.mutationOptions());
  const update = useMutation(trpc.subscribers.update.mutationOptions());
  const remove = useMutation(trpc.subscribers.delete.mutationOptions());
  const canEdit = useCan("operator");
  const [importing, setImporting] = useState(false);
  const hydrated = useHydrated();

  const fields = (mode: "create" | "edit"): FieldSpec[] => [
    { name: "username", label: "Username", required: true, placeholder: "alice" },
    {
      name: "domain",
      label: "Domain",
      required: true,
      suggestions: domains,
    },
    {
      name: "password",
      label: "Password",
      type: "password",
      required: mode === "create",
      autoComplete: "new-password",
      help: mode === "edit" ? "Leave empty to keep the current password." : "At least 6 characters.",
    },
  ];

  return (
    <>
      <CrudPage<Row>
        noun="subscriber"
        label="Subscribers"
        columns={[
          { key: "username", label: "Username", sortable: true },
          { key: "domain", label: "Domain" },
          { key: "id", label: "ID", sortable: true, className: "num" },
        ]}
        query={(p) => trpc.subscribers.list.queryOptions(p)}
        invalidate={trpc.subscribers.pathKey()}
        initialSort={{ sort: "username", dir: "asc" }}
        searchPlaceholder="Username prefix, or user@domain"
        emptyText="No subscribers yet."
        fields={fields}
        createSchema={subscriberCreate}
        updateSchema={subscriberUpdate}
        emptyValues={{ username: "", domain: defaultDomain, password: "" }}
        toFormValues={(r) => ({ username: r.username, domain: r.domain, password: "" })}
        describe={(r) => `${r.username}@${r.domain}`}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
        extraActions={(r) => (
          <Link className="btn btn-small" href={`/subscribers/${r.id}`}>
            Details<span className="visually-hidden"> {`${r.username}@${r.domain}`}</span>
          </Link>
        )}
        toolbarExtra={
          canEdit && (
            <>
              <button type="button" className="btn" disabled={!hydrated} onClick={() => setImporting(true)}>
                Import CSV
              </button>
              <a className="btn" href="/api/subscribers/export" download>
                Export CSV
              </a>
            </>
          )
        }
      />
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
}
