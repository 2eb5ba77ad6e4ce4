"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import { billingRateCreate, billingRateUpdate } from "@/shared/schemas/accounting";

type Row = RouterOutputs["billing"]["list"]["rows"][number];

export function BillingView() {
  const trpc = useTRPC();
  const [rateGroup, setRateGroup] = useState("");
  const groups = useQuery(trpc.billing.groups.queryOptions());
  const create = useMutation(trpc.billing.create.mutationOptions());
  const update = useMutation(trpc.billing.update.mutationOptions());
  const remove = useMutation(trpc.billing.delete.mutationOptions());

  return (
    <CrudPage<Row>
      noun="rate"
      label="Billing rates"
      editRole="admin"
      columns={[
        { key: "rateGroup", label: "Rate group", sortable: true },
        { key: "prefix", label: "Prefix", sortable: true, render: (r) => r.prefix || <em>(any number)</em> },
        { key: "rateUnit", label: "Rate unit", sortable: true, className: "num" },
        { key: "timeUnit", label: "Time unit (s)", sortable: true, className: "num" },
      ]}
      query={(p) => trpc.billing.list.queryOptions({ ...p, rateGroup })}
      invalidate={trpc.billing.pathKey()}
      initialSort={{ sort: "prefix", dir: "asc" }}
      searchPlaceholder="Prefix"
      emptyText="No billing rates: CDRs are then left without a cost."
      resetKey={rateGroup}
      filters={
        <select aria-label="Rate group" value={rateGroup} onChange={(e) => setRateGroup(e.target.value)}>
          <option value="">all rate groups</option>
          {(groups.data ?? []).map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      }
      fields={() => [
        {
          name: "rateGroup",
          label: "Rate group",
          required: true,
          suggestions: [...new Set(["default", ...(groups.data ?? [])])],
        },
        { name: "prefix", label: "Prefix", placeholder: "+4420", help: "Empty matches every number." },
        {
          name: "rateUnit",
          label: "Rate unit",
          type: "number",
          required: true,
          help: "Cost per started time unit.",
        },
        {
          name: "timeUnit",
          label: "Time unit (seconds)",
          type: "number",
          required: true,
          help: "Billing increment; 0 charges the rate unit once per call.",
        },
      ]}
      createSchema={billingRateCreate}
      updateSchema={billingRateUpdate}
      emptyValues={{ rateGroup: rateGroup || "default", prefix: "", rateUnit: "", timeUnit: 60 }}
      toFormValues={(r) => ({
        rateGroup: r.rateGroup,
        prefix: r.prefix,
        rateUnit: r.rateUnit,
        timeUnit: r.timeUnit,
      })}
      describe={(r) => `${r.rateGroup} ${r.prefix || "(any)"}`}
      create={create.mutateAsync}
      update={update.mutateAsync}
      remove={remove.mutateAsync}
    />
  );
}
