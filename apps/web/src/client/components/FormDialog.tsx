"use client";
/**
 * A modal form driven by a field list and the zod schema the server also enforces: the same messages
 * appear under the fields before the request is sent, and server-side field errors (duplicates,
 * checks that need the database) land under the same fields afterwards.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { ZodType } from "zod";
import { errorMessage, fieldErrorsOf } from "../errors";

export type FieldValue = string | number | boolean;
export type FormValues = Record<string, FieldValue>;

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "password" | "number" | "select" | "checkbox" | "textarea" | "url";
  options?: { value: string | number; label: string }[];
  placeholder?: string;
  help?: ReactNode;
  autoComplete?: string;
  /** Suggestions offered by the browser (datalist). */
  suggestions?: string[];
  required?: boolean;
}

/** Form values -> schema input: numbers as numbers (empty stays undefined, so "required" fires). */
export function toInput(fields: FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.type === "number") out[f.name] = v === "" || v === undefined ? undefined : Number(v);
    else if (f.type === "checkbox") out[f.name] = !!v;
    else out[f.name] = v ?? "";
  }
  return out;
}

export function issuesByField(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join(".") || "_";
    out[key] ??= i.message;
  }
  return out;
}

export interface FormDialogProps {
  open: boolean;
  title: string;
  fields: FieldSpec[];
  schema: ZodType;
  initial: FormValues;
  /** Extra values sent but not shown (e.g. the id on edit). */
  hidden?: Record<string, unknown>;
  submitLabel?: string;
  onSubmit: (input: unknown) => Promise<void>;
  onClose: () => void;
}

export function FormDialog(props: FormDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<FormValues>(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const baseId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the dialog opens
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (props.open) {
      setValues(props.initial);
      setErrors({});
      setFormError("");
      if (!d.open) d.showModal();
    } else if (d.open) d.close();
  }, [props.open]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = props.schema.safeParse({ ...toInput(props.fields, values), ...props.hidden });
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      setFormError("");
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(parsed.data);
    } catch (err) {
      const fe = fieldErrorsOf(err);
      setErrors(fe);
      const shown = Object.keys(fe).some((k) => props.fields.some((f) => f.name === k));
      setFormError(shown ? "" : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const set = (name: string, v: FieldValue) => {
    setValues((old) => ({ ...old, [name]: v }));
    setErrors(({ [name]: _, ...rest }) => rest);
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${baseId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${baseId}-title`}>{props.title}</h2>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="dialog-body fields">
          {props.fields.map((f) => {
            const id = `${baseId}-${f.name}`;
            const err = errors[f.name];
            const describedBy = [err ? `${id}-err` : "", f.help ? `${id}-help` : ""]
              .filter(Boolean)
              .join(" ");
            const common = {
              id,
              name: f.name,
              "aria-invalid": err ? true : undefined,
              "aria-required": f.required ? true : undefined,
              "aria-describedby": describedBy || undefined,
            };
            const v = values[f.name];
            let input: ReactNode;
            if (f.type === "select") {
              input = (
                <select
                  {...common}
                  value={String(v ?? "")}
                  onChange={(e) => {
                    const opt = f.options?.find((o) => String(o.value) === e.target.value);
                    set(f.name, opt ? opt.value : e.target.value);
                  }}
                >
                  {f.options?.map((o) => (
                    <option key={String(o.value)} value={String(o.value)}>
                      {o.label}
                    </option>
                  ))}
                </select>
              );
            } else if (f.type === "checkbox") {
              input = (
                <input
                  {...common}
                  type="checkbox"
                  checked={!!v}
                  onChange={(e) => set(f.name, e.target.checked)}
                />
              );
            } else if (f.type === "textarea") {
              input = (
                <textarea
                  {...common}
                  rows={3}
                  value={String(v ?? "")}
                  onChange={(e) => set(f.name, e.target.value)}
                />
              );
            } else {
              input = (
                <input
                  {...common}
                  type={f.type ?? "text"}
                  value={String(v ?? "")}
                  placeholder={f.placeholder}
                  autoComplete={f.autoComplete ?? "off"}
                  list={f.suggestions?.length ? `${id}-list` : undefined}
                  onChange={(e) => set(f.name, e.target.value)}
                />
              );
            }
            return (
              <div
                key={f.name}
                className={`field${f.type === "checkbox" ? " field-check" : ""}${err ? " has-error" : ""}`}
              >
                <label htmlFor={id} className={f.required ? "required" : undefined}>
                  {f.label}
                </label>
                {input}
                {f.suggestions && f.suggestions.length > 0 && (
                  <datalist id={`${id}-list`}>
                    {f.suggestions.map((s) => (
                      <option key={s} value={s} />
                    ))}
                  </datalist>
                )}
                {f.help && (
                  <small id={`${id}-help`} className="help">
                    {f.help}
                  </small>
                )}
                {err && (
                  <small id={`${id}-err`} className="error">
                    {err}
                  </small>
                )}
              </div>
            );
          })}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : (props.submitLabel ?? "Save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
