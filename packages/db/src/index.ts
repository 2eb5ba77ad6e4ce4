/**
 * @switchboard/db: drizzle schema of the Kamailio tables (+ Siremis's accounting tables and the console's
 * sb_ tables) and a mysql2 connection factory.
 */
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import * as schema from "./schema/index.ts";

export * from "./credentials.ts";
export * from "./datetime.ts";
export * from "./schema/index.ts";
export { schema };

export type Schema = typeof schema;
export type Db = MySql2Database<Schema>;

export interface DbHandle {
  db: Db;
  pool: mysql.Pool;
  close(): Promise<void>;
}

/**
 * Open a pool on `url` (mysql://user:pass@host:port/db) and wrap it in drizzle.
 *
 * Time handling: `dateStrings` makes raw pool queries return DATETIME/DATE/TIMESTAMP as the stored text,
 * the same as drizzle queries do with the schema's `mode: "string"` columns. Kamailio stores local
 * wall-clock time, so no layer converts it to a Date behind our back (see datetime.ts for explicit
 * conversion). `supportBigNumbers` keeps BIGINT ids exact as strings only beyond 2^53.
 */
export function createDb(url: string, opts: { connectionLimit?: number } = {}): DbHandle {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: opts.connectionLimit ?? 10,
    dateStrings: true,
    supportBigNumbers: true,
    charset: "utf8mb4",
  });
  const db = drizzle(pool, { schema, mode: "default" });
  return { db, pool, close: () => pool.end() };
}
