/**
 * Column helpers shared by the schema files.
 *
 * DATETIME columns use drizzle's `mode: "string"`: values travel as the wall-clock text MariaDB stores
 * ("YYYY-MM-DD HH:MM:SS"). Kamailio's db_mysql writes DATETIME in the local time of the Kamailio host,
 * so any implicit Date conversion (drizzle's "date" mode assumes UTC) would shift every timestamp by the
 * host's UTC offset. Convert explicitly with toSqlDateTime()/fromSqlDateTime() from ../datetime.ts.
 */
import { datetime, int } from "drizzle-orm/mysql-core";

/** Kamailio's `id INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL`, present on every Kamailio table. */
export const kamailioId = () => int("id", { unsigned: true }).autoincrement().primaryKey();

/** A DATETIME column read and written as local wall-clock text. */
export const localDateTime = (name: string, fsp?: 3) => datetime(name, { mode: "string", fsp });

/** Kamailio's "never modified" marker used as the default of every last_modified column. */
export const KAMAILIO_EPOCH = "2000-01-01 00:00:01";
