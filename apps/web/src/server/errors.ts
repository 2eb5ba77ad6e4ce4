/**
 * Turning database failures into messages an operator can act on.
 *
 * drizzle-orm wraps driver errors (DrizzleQueryError, the mysql2 error in `cause`), and its message
 * carries the SQL text, which must not reach the browser. Duplicate keys become CONFLICT with a field
 * message chosen by the unique index that fired; a lost or refused connection becomes
 * SERVICE_UNAVAILABLE "database unavailable".
 */
import { TRPCError } from "@trpc/server";

/** Field errors attached to a TRPCError; the error formatter sends them to forms. */
export class FieldErrors extends Error {
  constructor(public readonly fields: Record<string, string>) {
    super(Object.values(fields).join("; "));
    this.name = "FieldErrors";
  }
}

export function fieldError(code: TRPCError["code"], field: string, message: string): TRPCError {
  return new TRPCError({ code, message, cause: new FieldErrors({ [field]: message }) });
}

type Input = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/**
 * What each unique index means, by the index name MariaDB reports in ER_DUP_ENTRY.
 * Routers touching a table with a unique key register it here, next to the others.
 */
const DUPLICATE_KEYS: Record<string, { field: string; message: (i: Input) => string }> = {
  account_idx: { field: "username", message: (i) => `${str(i.username)}@${str(i.domain)} already exists` },
  speed_dial_idx: {
    field: "sdUsername",
    message: (i) => `speed dial ${str(i.sdUsername)} already exists for ${str(i.username)}@${str(i.domain)}`,
  },
  domain_idx: { field: "domain", message: (i) => `domain ${str(i.domain)} already exists` },
  account_group_idx: {
    field: "grp",
    message: (i) => `${str(i.username)}@${str(i.domain)} is already in group ${str(i.grp)}`,
  },
  sb_admin_username_idx: { field: "username", message: (i) => `admin ${str(i.username)} already exists` },
  sb_node_name_idx: { field: "name", message: (i) => `node ${str(i.name)} already exists` },
  uk_rp: {
    field: "prefix",
    message: (i) => `rate group ${str(i.rateGroup)} already has prefix "${str(i.prefix)}"`,
  },
};

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_ACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "POOL_CLOSED",
]);

interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

/** The mysql2 error inside a drizzle wrapper (or the error itself when it came straight from mysql2). */
function driverError(e: unknown): DriverError | null {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const c = cur as DriverError & { cause?: unknown };
    if (typeof c.code === "string") return c;
    cur = c.cause;
  }
  return null;
}

/** True when `e` says the database cannot be reached (as opposed to a query it refused). */
export function isDbUnreachable(e: unknown): boolean {
  const d = driverError(e);
  return !!d?.code && CONNECTION_CODES.has(d.code);
}

/** Index name from "Duplicate entry 'x' for key 'account_idx'" (MariaDB may prefix the table name). */
export function duplicateKeyName(sqlMessage: string): string | null {
  const m = /for key '(?:[^'.]+\.)?([^']+)'$/.exec(sqlMessage);
  return m ? m[1] : null;
}

/** A TRPCError for a database failure, or null when `e` is not one. */
export function mapDbError(e: unknown, input: unknown): TRPCError | null {
  if (e instanceof TRPCError && !(e.cause && driverError(e.cause))) return null;
  const d = driverError(e instanceof TRPCError ? e.cause : e);
  if (!d?.code) return null;
  if (d.code === "ER_DUP_ENTRY") {
    const key = duplicateKeyName(d.sqlMessage ?? "");
    const known = key ? DUPLICATE_KEYS[key] : undefined;
    if (known) return fieldError("CONFLICT", known.field, known.message((input ?? {}) as Input));
    return new TRPCError({ code: "CONFLICT", message: "this entry already exists" });
  }
  if (CONNECTION_CODES.has(d.code)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `database unavailable (${d.code}); the page will work again once MariaDB is reachable`,
    });
  }
  if (d.code.startsWith("ER_")) {
    return new TRPCError({ code: "BAD_REQUEST", message: `database error: ${d.sqlMessage ?? d.code}` });
  }
  return null;
}
