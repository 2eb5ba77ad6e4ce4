"use client";
/**
 * A select of the enabled nodes for the live pages (dispatcher state, dialplan test, settings, RPC
 * console). Picks the first node until the user chooses, and says so when there is none.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId } from "react";
import { errorMessage } from "../errors";
import { useTRPC } from "../trpc";

export function NodePicker(props: {
  value: number | null;
  onChange: (id: number) => void;
  label?: string;
  id?: string;
}) {
  const trpc = useTRPC();
  const autoId = useId();
  const selectId = props.id ?? autoId;
  const nodes = useQuery(trpc.rpc.nodes.queryOptions());
  const first = nodes.data?.[0]?.id;
  const { value, onChange } = props;
  useEffect(() => {
    if (value === null && first !== undefined) onChange(first);
  }, [value, first, onChange]);

  if (nodes.isError)
    return (
      <span className="badge badge-bad" role="alert">
        Could not list nodes: {errorMessage(nodes.error)}
      </span>
    );
  if (nodes.data && nodes.data.length === 0)
    return (
      <span className="badge badge-warn" data-testid="no-nodes">
        No enabled nodes. <Link href="/nodes">Add one</Link>.
      </span>
    );
  return (
    <span>
      <label htmlFor={selectId}>{props.label ?? "Node"}</label>{" "}
      <select
        id={selectId}
        value={value ?? ""}
        onChange={(e) => onChange(Number(e.target.value))}
        disabled={!nodes.data}
      >
        {(nodes.data ?? []).map((n) => (
          <option key={n.id} value={n.id}>
            {n.name} ({n.kind})
          </option>
        ))}
      </select>
    </span>
  );
}
