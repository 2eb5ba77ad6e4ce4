"use client";
/**
 * An RPC answer as a collapsible tree: objects and arrays are <details> elements (keyboard-operable,
 * open down to `openDepth`), scalars are coloured by type. Large answers (ul.dump, htable.dump) stay
 * readable because closed branches render nothing but their summary.
 */
import { type ReactNode, useState } from "react";

function Scalar({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="str">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="num">{value}</span>;
  return <span className="lit">{value === undefined ? "undefined" : JSON.stringify(value)}</span>;
}

function summaryOf(value: object): string {
  return Array.isArray(value) ? `[${value.length}]` : `{${Object.keys(value).length}}`;
}

function Branch(props: { name: ReactNode; value: object; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(props.depth < props.openDepth);
  const entries = Array.isArray(props.value)
    ? props.value.map((v, i) => [String(i), v] as const)
    : Object.entries(props.value);
  return (
    <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        {props.name} <span className="live-muted">{summaryOf(props.value)}</span>
      </summary>
      {open &&
        entries.map(([k, v]) => (
          <Node
            key={k}
            name={<span className="key">{k}</span>}
            value={v}
            depth={props.depth + 1}
            openDepth={props.openDepth}
          />
        ))}
    </details>
  );
}

function Node(props: { name: ReactNode; value: unknown; depth: number; openDepth: number }) {
  if (props.value !== null && typeof props.value === "object")
    return <Branch {...props} value={props.value} />;
  return (
    <div className="leaf">
      {props.name}: <Scalar value={props.value} />
    </div>
  );
}

export function JsonTree({
  value,
  openDepth = 3,
  label,
}: {
  value: unknown;
  openDepth?: number;
  label: string;
}) {
  return (
    <div className="json-tree" role="group" aria-label={label} data-testid="json-tree">
      {value !== null && typeof value === "object" ? (
        <Branch name={<span className="key">result</span>} value={value} depth={0} openDepth={openDepth} />
      ) : (
        <div className="leaf">
          <span className="key">result</span>: <Scalar value={value} />
        </div>
      )}
    </div>
  );
}
