"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CrudPage } from "@/client/components/CrudPage";
import { errorMessage } from "@/client/errors";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { adminCreate, adminUpdate, ROLES } from "@/shared/schemas/admins";

type Row = RouterOutputs["admins"]["list"]["rows"][number];

export function AdminsView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const create = useMutation(trpc.admins.create.mutationOptions());
  const update = useMutation(trpc.admins.update.mutationOptions());
  const remove = useMutation(trpc.admins.delete.mutationOptions());
  const unlock = useMutation(
    trpc.admins.unlock.mutationOptions({
      onSuccess: () => {
        toast.success("Unlocked");
        return qc.invalidateQueries({ queryKey: trpc.admins.pathKey() });
      },
      onError: (e) => toast.error(`Unlock failed: ${errorMessage(e)}`),
    }),
  );

  return (
    <CrudPage<Row>
      noun="admin"
      label="Admins"
      editRole="admin"
      columns={[
        { key: "username", label: "Username", sortable: true },
        {
          key: "role",
          label: "Role",
          sortable: true,
          render: (r) => <span className={`role role-${r.role}`}>{r.role}</span>,
        },
        { key: "totpEnabled", label: "2FA", render: (r) => (r.totpEnabled ? "TOTP" : "—") },
        {
          key: "lockedUntil",
          label: "Status",
          render: (r) =>
            r.lockedUntil && new Date(r.lockedUntil.replace(" ", "T")) > new Date() ? (
              <span className="badge badge-bad">locked until {r.lockedUntil}</span>
            ) : r.failedLogins > 0 ? (
              <span className="badge badge-warn">{r.failedLogins} failed logins</span>
            ) : (
              "ok"
            ),
        },
        { key: "lastLoginAt", label: "Last login", sortable: true, render: (r) => r.lastLoginAt ?? "never" },
      ]}
      query={(p) => trpc.admins.list.queryOptions(p)}
      invalidate={trpc.admins.pathKey()}
      initialSort={{ sort: "username", dir: "asc" }}
      searchPlaceholder="Username prefix"
      fields={(mode) => [
        { name: "username", label: "Username", required: true },
        { name: "role", label: "Role", type: "select", options: ROLES.map((r) => ({ value: r, label: r })) },
        {
          name: "password",
          label: "Password",
          type: "password",
          autoComplete: "new-password",
          required: mode === "create",
          help: mode === "edit" ? "Leave empty to keep the current password." : "At least 10 characters.",
        },
      ]}
      createSchema={adminCreate}
      updateSchema={adminUpdate}
      emptyValues={{ username: "", role: "viewer", password: "" }}
      toFormValues={(r) => ({ username: r.username, role: r.role, password: "" })}
      describe={(r) => r.username}
      create={create.mutateAsync}
      update={update.mutateAsync}
      remove={remove.mutateAsync}
      extraActions={(r) =>
        r.lockedUntil || r.failedLogins > 0 ? (
          <button type="button" className="btn btn-small" onClick={() => unlock.mutate({ id: r.id })}>
            Unlock<span className="visually-hidden"> {r.username}</span>
          </button>
        ) : null
      }
    />
  );
}
