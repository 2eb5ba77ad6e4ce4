"use client";
/**
 * The filter bar pieces the list pages (accounting, CDRs, audit log) share: the filter state with one
 * change handler per field, a labelled text filter, and the From/To date-time pair.
 */
import { type ChangeEvent, useState } from "react";

type FilterValues = Record<string, string>;

export interface FieldProps {
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => void;
}

/** Filter values, `field(k)` to bind an input or select to one of them, and `reset` to the initial values. */
export function useFilters<F extends FilterValues>(initial: () => F) {
  const [filters, setFilters] = useState<F>(initial);
  const field = (k: keyof F & string): FieldProps => ({
    value: filters[k],
    onChange: (e) => setFilters((f) => ({ ...f, [k]: e.target.value })),
  });
  return { filters, field, reset: () => setFilters(initial()) };
}

/** A free-text filter; the label doubles as the placeholder unless one is given. */
export function TextFilter({
  label,
  placeholder = label,
  size,
  ...field
}: FieldProps & { label: string; placeholder?: string; size: number }) {
  return <input aria-label={label} placeholder={placeholder} size={size} {...field} />;
}

/** From and To bounds, as <input type=datetime-local> gives them ("" = open). */
export function DateRangeFilter({ from, to }: { from: FieldProps; to: FieldProps }) {
  return (
    <>
      <input aria-label="From" type="datetime-local" {...from} />
      <input aria-label="To" type="datetime-local" {...to} />
    </>
  );
}
