"use client";
/**
 * Bulk CSV import: the file is parsed in the browser and sent in batches, so a progress bar can
 * follow the work and every rejected line is reported (and downloadable) without stopping the rest.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { errorMessage, nodeFailures } from "@/client/errors";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import { csvObjects, parseCsv } from "@/shared/csv";
import { IMPORT_BATCH, type ImportRowResult } from "@/shared/schemas/subscriber";

type Counts = Record<ImportRowResult["status"], number>;
const ZERO: Counts = { created: 0, updated: 0, skipped: 0, error: 0 };

/** What the header must name: username and domain, plus a password or both hashes. */
export function missingColumns(header: string[]): string | null {
  const has = (c: string) => header.includes(c);
  if (!has("username") || !has("domain")) return "the first line must name the columns username and domain";
  if (!has("password") && !(has("ha1") && has("ha1b")))
    return "the file needs a password column, or ha1 and ha1b";
  return null;
}

function errorReport(rows: ImportRowResult[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ["line,status,message", ...rows.map((r) => `${r.line},${r.status},${cell(r.message ?? "")}`)].join(
    "\r\n",
  );
}

export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelled = useRef(false);
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [onDuplicate, setOnDuplicate] = useState<"skip" | "update">("skip");
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const [counts, setCounts] = useState<Counts>(ZERO);
  const [problems, setProblems] = useState<ImportRowResult[]>([]);
  const [error, setError] = useState("");
  const importBatch = useMutation(trpc.subscribers.import.mutationOptions());

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setFile(null);
      setProgress({ done: 0, total: 0 });
      setCounts(ZERO);
      setProblems([]);
      setError("");
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  const start = async () => {
    if (!file) return;
    setError("");
    const { header, rows } = csvObjects(parseCsv(await file.text()));
    const missing = missingColumns(header);
    if (missing) return setError(missing);
    if (rows.length === 0) return setError("the file has no rows below the header");
    cancelled.current = false;
    setRunning(true);
    setProgress({ done: 0, total: rows.length });
    setCounts(ZERO);
    setProblems([]);
    const nodeWarnings = new Set<string>();
    try {
      for (let i = 0; i < rows.length && !cancelled.current; i += IMPORT_BATCH) {
        const batch = rows.slice(i, i + IMPORT_BATCH).map((r) => ({ ...r.values, line: r.line }));
        const res = await importBatch.mutateAsync({ rows: batch, onDuplicate });
        setCounts((c) => {
          const next = { ...c };
          for (const r of res.results) next[r.status]++;
          return next;
        });
        setProblems((p) => [
          ...p,
          ...res.results.filter((r) => r.status === "error" || r.status === "skipped"),
        ]);
        for (const w of nodeFailures(res)) nodeWarnings.add(w);
        setProgress({ done: Math.min(rows.length, i + IMPORT_BATCH), total: rows.length });
      }
      if (cancelled.current) toast.info("Import stopped; the rows sent so far are saved.");
    } catch (e) {
      setError(`import stopped: ${errorMessage(e)}`);
    } finally {
      setRunning(false);
      for (const w of nodeWarnings) toast.warning(`Imported, but node ${w}`);
      await qc.invalidateQueries({ queryKey: trpc.subscribers.pathKey() });
    }
  };

  const reportHref = problems.length
    ? `data:text/csv;charset=utf-8,${encodeURIComponent(errorReport(problems))}`
    : undefined;
  const finished = !running && progress.total > 0;

  return (
    <dialog
      ref={dialog}
      className="dialog dialog-wide"
      aria-labelledby={`${fileId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!running) onClose();
      }}
    >
      <h2 id={`${fileId}-title`}>Import subscribers</h2>
      <div className="dialog-body">
        <p className="help">
          CSV with a header line: <code>username,domain,password</code>, or{" "}
          <code>username,domain,ha1,ha1b</code> to keep existing digest hashes (e.g. from another Kamailio
          database; the export of this page has that format).
        </p>
        <div className="field">
          <label htmlFor={fileId}>CSV file</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            disabled={running}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fileId}-dup`}>When username@domain exists</label>
          <select
            id={`${fileId}-dup`}
            value={onDuplicate}
            disabled={running}
            onChange={(e) => setOnDuplicate(e.target.value as "skip" | "update")}
          >
            <option value="skip">skip the row</option>
            <option value="update">replace its password</option>
          </select>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {progress.total > 0 && (
          <div className="import-progress">
            <label htmlFor={`${fileId}-progress`}>
              {progress.done} of {progress.total} rows
            </label>
            <progress id={`${fileId}-progress`} value={progress.done} max={progress.total} />
            <p aria-live="polite" data-testid="import-summary">
              {counts.created} created, {counts.updated} updated, {counts.skipped} skipped, {counts.error}{" "}
              with errors
            </p>
          </div>
        )}
        {finished && problems.length > 0 && (
          <>
            <div className="table-wrap import-problems">
              <table aria-label="Rows not imported">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Result</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {problems.slice(0, 200).map((p) => (
                    <tr key={p.line}>
                      <td className="num">{p.line}</td>
                      <td>{p.status}</td>
                      <td>{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <a className="btn btn-small" href={reportHref} download="import-report.csv">
              Download the report ({problems.length} rows)
            </a>
          </>
        )}
      </div>
      <div className="dialog-actions">
        {running ? (
          <button type="button" className="btn" onClick={() => (cancelled.current = true)}>
            Stop
          </button>
        ) : (
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={!file || running} onClick={start}>
          {running ? "Importing…" : "Import"}
        </button>
      </div>
    </dialog>
  );
}
