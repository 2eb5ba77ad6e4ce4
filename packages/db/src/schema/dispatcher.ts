/** dispatcher module: `dispatcher` (dispatcher-create). */
import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const dispatcher = mysqlTable("dispatcher", {
  id: kamailioId(),
  setid: int("setid").notNull().default(0),
  destination: varchar("destination", { length: 192 }).notNull().default(""),
  flags: int("flags").notNull().default(0),
  priority: int("priority").notNull().default(0),
  attrs: varchar("attrs", { length: 128 }).notNull().default(""),
  description: varchar("description", { length: 64 }).notNull().default(""),
});
