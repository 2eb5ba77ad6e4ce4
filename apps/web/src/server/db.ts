/**
 * One mysql2 pool per server process. Next may evaluate this module several times (route handlers,
 * server components, dev reloads), so the handle lives on globalThis.
 */
import "server-only";
import { createDb, type DbHandle } from "@switchboard/db";
import { appConfig } from "./config";

const globalForDb = globalThis as unknown as { __switchboardDb?: DbHandle };

export function getDb(): DbHandle["db"] {
  if (!globalForDb.__switchboardDb) {
    const url = appConfig().database.url;
    if (!url) throw new Error("database unavailable: DATABASE_URL is not set");
    globalForDb.__switchboardDb = createDb(url);
  }
  return globalForDb.__switchboardDb.db;
}
