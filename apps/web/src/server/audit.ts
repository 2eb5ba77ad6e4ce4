/** sb_audit writes: who did what, to which target, on which node, and whether it worked. */
import { type Db, sbAudit } from "@switchboard/db";

export interface AuditEntry {
  adminId: number | null;
  username: string;
  action: string;
  target?: string;
  node?: string | null;
  details?: unknown;
  ok: boolean;
}

const SECRET_KEYS = /pass|token|secret|totp|code|ha1|^current$|^next$/i;

/** Input with secrets replaced, for the details column. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== "" ? "***" : redact(v)]),
    );
  }
  return value;
}

/** A short human label of the row an input is about (username@domain, name, id). */
export function auditTarget(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const i = input as Record<string, unknown>;
  const account = i.username && i.domain ? `${i.username}@${i.domain}` : "";
  if (i.aliasUsername) return `${i.aliasUsername}@${i.aliasDomain} -> ${account}`;
  if (i.sdUsername) return `${i.sdUsername} of ${account}`;
  if (account) return account;
  for (const k of ["name", "username", "domain", "destination", "id", "ids"]) {
    if (i[k] !== undefined && i[k] !== "")
      return Array.isArray(i[k]) ? (i[k] as unknown[]).join(",") : String(i[k]);
  }
  return "";
}

export async function writeAudit(db: Db, e: AuditEntry): Promise<void> {
  const details = e.details === undefined ? null : JSON.stringify(redact(e.details));
  await db.insert(sbAudit).values({
    adminId: e.adminId,
    username: e.username.slice(0, 64),
    action: e.action.slice(0, 64),
    target: (e.target ?? "").slice(0, 255),
    node: e.node ?? null,
    details: details && details.length > 8000 ? `${details.slice(0, 8000)}…` : details,
    ok: e.ok,
  });
}

/** Audit without letting a failed audit write hide the result of the action itself. */
export async function tryAudit(db: Db, e: AuditEntry): Promise<void> {
  try {
    await writeAudit(db, e);
  } catch (err) {
    console.error(`audit: could not record ${e.action}: ${(err as Error).message}`);
  }
}
