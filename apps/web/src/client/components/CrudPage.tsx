"use client";
/**
 * A table page with create / edit / delete: DataTable + FormDialog + confirm-before-delete, wired to
 * the page's tRPC procedures. Buttons only show for roles that may use them; the procedures refuse
 * the rest anyway. Results carrying per-node RPC outcomes ({ nodes }) raise a warning toast for every
 * node that failed.
 */
import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import type { ZodType } from "zod";
import type { Role } from "../../shared/roles";
import { useConfirm } from "../confirm";
import { errorMessage, nodeFailures } from "../errors";
import { useHydrated } from "../hydrated";
import { useCan } from "../session";
import { useToast } from "../toast";
import { type Column, DataTable, type DataTableProps } from "./DataTable";
import { type FieldSpec, FormDialog, type FormValues } from "./FormDialog";

/** A mutateAsync from useMutation; the form hands it the schema-parsed input. */
type Mutate = (input: never) => Promise<unknown>;

export interface CrudPageProps<Row extends { id: number }> {
  /** Singular noun for buttons and messages: "subscriber". */
  noun: string;
  label: string;
  columns: Column<Row>[];
  query: DataTableProps<Row>["query"];
  /** Query key prefix refreshed after a change, e.g. trpc.subscribers.pathKey(). */
  invalidate: QueryKey;
  fields: (mode: "create" | "edit") => FieldSpec[];
  createSchema: ZodType;
  updateSchema: ZodType;
  emptyValues: FormValues;
  toFormValues: (row: Row) => FormValues;
  /** Text naming a row in confirmations, e.g. "alice@example.com". */
  describe: (row: Row) => string;
  create?: Mutate;
  update?: Mutate;
  /** Deletes rows by id ({ ids }). */
  remove?: Mutate;
  /** Role needed for the edit buttons (default operator). */
  editRole?: Role;
  initialSort?: DataTableProps<Row>["initialSort"];
  searchPlaceholder?: string;
  emptyText?: ReactNode;
  filters?: ReactNode;
  resetKey?: string;
  /** More toolbar buttons, left of "Add" (import, export, ...). */
  toolbarExtra?: ReactNode;
  /** Called after every successful change (e.g. to refresh a reload banner). */
  onChanged?: () => void;
  /** More per-row buttons (shown for every role; check useCan inside for mutations). */
  extraActions?: (row: Row) => ReactNode;
}

export function CrudPage<Row extends { id: number }>(props: CrudPageProps<Row>) {
  const qc = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const canEdit = useCan(props.editRole ?? "operator");
  const hydrated = useHydrated();
  const [editing, setEditing] = useState<{ mode: "create" | "edit"; row?: Row } | null>(null);

  const refresh = async () => {
    props.onChanged?.();
    await qc.invalidateQueries({ queryKey: props.invalidate });
  };
  const reportNodes = (result: unknown) => {
    for (const f of nodeFailures(result)) toast.warning(`Saved, but node ${f}`);
  };

  const removeRows = async (rows: Row[], clear?: () => void) => {
    if (!props.remove) return;
    const what = rows.length === 1 ? props.describe(rows[0]) : `${rows.length} ${props.noun}s`;
    const ok = await confirm({
      title: `Delete ${props.noun}?`,
      message: <p>Delete {what}? This cannot be undone.</p>,
    });
    if (!ok) return;
    try {
      const result = await props.remove({ ids: rows.map((r) => r.id) } as never);
      toast.success(`Deleted ${what}`);
      reportNodes(result);
      clear?.();
    } catch (e) {
      toast.error(`Could not delete ${what}: ${errorMessage(e)}`);
    } finally {
      await refresh();
    }
  };

  const submit = async (input: unknown) => {
    const mutate = editing?.mode === "edit" ? props.update : props.create;
    if (!mutate) return;
    const result = await mutate(input as never);
    toast.success(editing?.mode === "edit" ? `Saved ${props.noun}` : `Created ${props.noun}`);
    reportNodes(result);
    setEditing(null);
    await refresh();
  };

  const actions =
    (canEdit && (props.update || props.remove)) || props.extraActions
      ? (row: Row) => (
          <>
            {props.extraActions?.(row)}
            {canEdit && props.update && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setEditing({ mode: "edit", row })}
              >
                Edit<span className="visually-hidden"> {props.describe(row)}</span>
              </button>
            )}
            {canEdit && props.remove && (
              <button type="button" className="btn btn-small btn-danger" onClick={() => removeRows([row])}>
                Delete<span className="visually-hidden"> {props.describe(row)}</span>
              </button>
            )}
          </>
        )
      : undefined;

  const mode = editing?.mode ?? "create";
  return (
    <>
      <DataTable<Row>
        label={props.label}
        columns={props.columns}
        query={props.query}
        initialSort={props.initialSort}
        searchPlaceholder={props.searchPlaceholder}
        emptyText={props.emptyText}
        filters={props.filters}
        resetKey={props.resetKey}
        rowActions={actions}
        bulkActions={
          canEdit && props.remove
            ? (rows, clear) => (
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => removeRows(rows, clear)}
                >
                  Delete selected
                </button>
              )
            : undefined
        }
        toolbar={
          <>
            {props.toolbarExtra}
            {canEdit && props.create && (
              <button
                type="button"
                className="btn btn-primary"
                disabled={!hydrated}
                onClick={() => setEditing({ mode: "create" })}
              >
                Add {props.noun}
              </button>
            )}
          </>
        }
      />
      <FormDialog
        open={editing !== null}
        title={mode === "edit" && editing?.row ? `Edit ${props.describe(editing.row)}` : `New ${props.noun}`}
        fields={props.fields(mode)}
        schema={mode === "edit" ? props.updateSchema : props.createSchema}
        initial={editing?.row ? props.toFormValues(editing.row) : props.emptyValues}
        hidden={editing?.row ? { id: editing.row.id } : undefined}
        submitLabel={mode === "edit" ? "Save" : `Create ${props.noun}`}
        onSubmit={submit}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
