/** speeddial module: `speed_dial` (speeddial-create). */
import { mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const speedDial = mysqlTable(
  "speed_dial",
  {
    id: kamailioId(),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }).notNull().default(""),
    sdUsername: varchar("sd_username", { length: 64 }).notNull().default(""),
    sdDomain: varchar("sd_domain", { length: 64 }).notNull().default(""),
    newUri: varchar("new_uri", { length: 255 }).notNull().default(""),
    fname: varchar("fname", { length: 64 }).notNull().default(""),
    lname: varchar("lname", { length: 64 }).notNull().default(""),
    description: varchar("description", { length: 64 }).notNull().default(""),
  },
  (t) => [unique("speed_dial_idx").on(t.username, t.domain, t.sdDomain, t.sdUsername)],
);
