"use client";
/** Range of the charts: preset buttons (ending now) or a custom from/to applied with a button. */
import { useState } from "react";
import { RANGE_PRESETS, type RangePreset } from "../../shared/schemas/stats";

export interface RangeValue {
  range: RangePreset;
  from: string;
  to: string;
}

const LABELS: Record<RangePreset, string> = {
  "1h": "Last hour",
  "24h": "24 hours",
  "72h": "72 hours",
  "7d": "7 days",
  "30d": "30 days",
};

export function RangePicker({ value, onChange }: { value: RangeValue; onChange: (v: RangeValue) => void }) {
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const custom = value.from !== "";
  return (
    <fieldset className="range-picker">
      <legend className="visually-hidden">Time range</legend>
      {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((r) => (
        <button
          key={r}
          type="button"
          className="btn btn-small"
          aria-pressed={!custom && value.range === r}
          onClick={() => onChange({ range: r, from: "", to: "" })}
        >
          {LABELS[r]}
        </button>
      ))}
      <span className="spacer" />
      <input
        aria-label="Range from"
        type="datetime-local"
        value={from}
        onChange={(e) => setFrom(e.target.value)}
      />
      <input aria-label="Range to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      <button
        type="button"
        className="btn btn-small"
        aria-pressed={custom}
        disabled={!from}
        onClick={() => onChange({ range: value.range, from, to })}
      >
        Show range
      </button>
    </fieldset>
  );
}
