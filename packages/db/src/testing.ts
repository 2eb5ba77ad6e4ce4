/**
 * Throw-away databases for tests: each call creates `switchboard_test_<random>`, migrates it
 * (unless told not to) and drops it on drop(). Never touches the demo database.
 *
 * The test runner (scripts/test.ts) exports SWITCHBOARD_TEST_ADMIN_URL once per run; a test file
 * run on its own finds the server through the lifecycle module instead.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { createDb } from "./index.ts";
import { ensureDatabase, quoteIdent } from "./lifecycle.ts";
import { runMigrations } from "./migrate.ts";

export interface TestDatabase extends ReturnType<typeof createDb> {
  url: string;
  name: string;
  /** Drops the database and closes the pool. */
  drop(): Promise<void>;
}

async function adminUrl(): Promise<string> {
  if (process.env.SWITCHBOARD_TEST_ADMIN_URL) return process.env.SWITCHBOARD_TEST_ADMIN_URL;
  const handle = await ensureDatabase();
  process.env.SWITCHBOARD_TEST_ADMIN_URL = handle.adminUrl;
  return handle.adminUrl;
}

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = await adminUrl();
  const name = `switchboard_test_${randomBytes(5).toString("hex")}`;
  const conn = await mysql.createConnection({ uri: base });
  await conn.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await conn.end();
  const url = `${base}/${name}`;
  if (opts.migrate !== false) await runMigrations(url);
  const handle = createDb(url);
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const c = await mysql.createConnection({ uri: base });
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      await c.end();
    },
  };
}
