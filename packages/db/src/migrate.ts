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
  // One connection: the migrator runs its statements in order inside one transaction-less session.
  const conn = await mysql.createConnection({ uri: url, multipleStatements: false });
  try {
    await migrate(drizzle(conn), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await conn.end();
  }
}
