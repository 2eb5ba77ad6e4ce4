"use client";
import { useMutation } from "@tanstack/react-query";
import { CrudPage } from "@/client/components/CrudPage";
import { ReloadBanner, useReloadStatusRefresh } from "@/client/components/ReloadBanner";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import {
  addressCreate,
  addressUpdate,
  TRUSTED_PROTOS,
  trustedCreate,
  trustedUpdate,
} from "@/shared/schemas/acl";

type AddressRow = RouterOutputs["acl"]["address"]["list"]["rows"][number];
type TrustedRow = RouterOutputs["acl"]["trusted"]["list"]["rows"][number];

export function PermissionsView() {
  const trpc = useTRPC();
  const refreshReload = useReloadStatusRefresh("permissions");
  const createAddr = useMutation(trpc.acl.address.create.mutationOptions());
  const updateAddr = useMutation(trpc.acl.address.update.mutationOptions());
  const removeAddr = useMutation(trpc.acl.address.delete.mutationOptions());
  const createTrusted = useMutation(trpc.acl.trusted.create.mutationOptions());
  const updateTrusted = useMutation(trpc.acl.trusted.update.mutationOptions());
  const removeTrusted = useMutation(trpc.acl.trusted.delete.mutationOptions());

  return (
    <>
      <ReloadBanner module="permissions" />
      <h2>Address groups</h2>
      <CrudPage<AddressRow>
        noun="address"
        label="Addresses"
        columns={[
          { key: "grp", label: "Group", sortable: true, className: "num" },
          {
            key: "ipAddr",
            label: "Address",
            sortable: true,
            render: (r) => <code>{`${r.ipAddr}/${r.mask}`}</code>,
          },
          { key: "port", label: "Port", sortable: true, render: (r) => (r.port ? r.port : "any") },
          { key: "tag", label: "Tag", render: (r) => r.tag ?? "" },
        ]}
        query={(p) => trpc.acl.address.list.queryOptions(p)}
        invalidate={trpc.acl.address.pathKey()}
        onChanged={refreshReload}
        initialSort={{ sort: "grp", dir: "asc" }}
        searchPlaceholder="Address or tag prefix"
        emptyText="No address rules: allow_source_address() lets nothing in."
        fields={() => [
          { name: "grp", label: "Group", type: "number", required: true },
          {
            name: "ipAddr",
            label: "IP address",
            required: true,
            placeholder: "10.0.0.0 or 2001:db8:: or gw.example.com",
          },
          {
            name: "mask",
            label: "Mask",
            type: "number",
            required: true,
            help: "Prefix length: 32 = one IPv4 host.",
          },
          { name: "port", label: "Port", type: "number", help: "0 = any port." },
          { name: "tag", label: "Tag" },
        ]}
        createSchema={addressCreate}
        updateSchema={addressUpdate}
        emptyValues={{ grp: 1, ipAddr: "", mask: 32, port: 0, tag: "" }}
        toFormValues={(r) => ({ grp: r.grp, ipAddr: r.ipAddr, mask: r.mask, port: r.port, tag: r.tag ?? "" })}
        describe={(r) => `${r.ipAddr}/${r.mask} (group ${r.grp})`}
        create={createAddr.mutateAsync}
        update={updateAddr.mutateAsync}
        remove={removeAddr.mutateAsync}
      />
      <h2>Trusted peers</h2>
      <CrudPage<TrustedRow>
        noun="trusted peer"
        label="Trusted peers"
        columns={[
          { key: "srcIp", label: "Source IP", sortable: true, render: (r) => <code>{r.srcIp}</code> },
          { key: "proto", label: "Protocol", sortable: true },
          { key: "fromPattern", label: "From pattern", render: (r) => <code>{r.fromPattern ?? ""}</code> },
          { key: "ruriPattern", label: "R-URI pattern", render: (r) => <code>{r.ruriPattern ?? ""}</code> },
          { key: "tag", label: "Tag", render: (r) => r.tag ?? "" },
          { key: "priority", label: "Priority", sortable: true, className: "num" },
        ]}
        query={(p) => trpc.acl.trusted.list.queryOptions(p)}
        invalidate={trpc.acl.trusted.pathKey()}
        onChanged={refreshReload}
        initialSort={{ sort: "srcIp", dir: "asc" }}
        searchPlaceholder="Source IP or tag prefix"
        emptyText="No trusted peers."
        fields={() => [
          { name: "srcIp", label: "Source IP", required: true, placeholder: "192.0.2.10" },
          {
            name: "proto",
            label: "Protocol",
            type: "select",
            options: TRUSTED_PROTOS.map((p) => ({ value: p, label: p })),
          },
          {
            name: "fromPattern",
            label: "From pattern",
            help: "POSIX basic regular expression on the From URI; empty matches any.",
          },
          { name: "ruriPattern", label: "R-URI pattern", help: "Same, on the Request-URI." },
          { name: "tag", label: "Tag" },
          { name: "priority", label: "Priority", type: "number", help: "Higher is checked first." },
        ]}
        createSchema={trustedCreate}
        updateSchema={trustedUpdate}
        emptyValues={{ srcIp: "", proto: "any", fromPattern: "", ruriPattern: "", tag: "", priority: 0 }}
        toFormValues={(r) => ({
          srcIp: r.srcIp,
          proto: r.proto,
          fromPattern: r.fromPattern ?? "",
          ruriPattern: r.ruriPattern ?? "",
          tag: r.tag ?? "",
          priority: r.priority,
        })}
        describe={(r) => `${r.srcIp} (${r.proto})`}
        create={createTrusted.mutateAsync}
        update={updateTrusted.mutateAsync}
        remove={removeTrusted.mutateAsync}
      />
    </>
  );
}
