/** Kamailio `version` table (utils/kamctl standard-create): one row per table with its layout version. */
import { int, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const version = mysqlTable(
  "version",
  {
    id: kamailioId(),
    tableName: varchar("table_name", { length: 32 }).notNull(),
    tableVersion: int("table_version", { unsigned: true }).notNull().default(0),
  },
  (t) => [unique("table_name_idx").on(t.tableName)],
);

/**
 * Layout versions of the Kamailio 6.1 tables, as kamdbctl inserts them into `version`. Kamailio modules
 * compare these at start-up (db_check_table_version) and refuse to load on a mismatch; sipd does the same.
 * acc_cdrs is 3 from 6.1.0 (duration FLOAT(13,6)); it was 2 with FLOAT(10,3) before.
 */
export const KAMAILIO_TABLE_VERSIONS = {
  version: 1,
  subscriber: 7,
  location: 9,
  location_attrs: 1,
  aliases: 8,
  dbaliases: 1,
  dispatcher: 4,
  dialplan: 2,
  trusted: 6,
  address: 6,
  grp: 2,
  re_grp: 1,
  acc: 5,
  acc_cdrs: 3,
  missed_calls: 4,
  domain: 2,
  domain_attrs: 1,
  speed_dial: 2,
  usr_preferences: 2,
  htable: 2,
} as const;

export type KamailioTableName = keyof typeof KAMAILIO_TABLE_VERSIONS;
