/**
 * Apply the committed drizzle migrations (repo-root drizzle/) to a database.
 *
 * The first migration adopts a database that `kamdbctl create` already filled: it only creates what is
 * missing (IF NOT EXISTS), adds the acc/missed_calls db_extra columns when absent and inserts the
 * `version` rows with INSERT IGNORE, so existing rows and table versions are kept.
 */
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";

/** drizzle/ at the repository root, found from this file so the caller's cwd does not matter. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export async function runMigrations(url: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    await migrate(drizzle(conn), { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (e) {
    // drizzle wraps the driver error in a message holding the whole statement; keep the server's reason.
    const cause = (e as { cause?: { sqlMessage?: string; message?: string } }).cause;
    throw new Error(`migration failed: ${cause?.sqlMessage ?? cause?.message ?? (e as Error).message}`);
  } finally {
    await conn.end();
  }
}
