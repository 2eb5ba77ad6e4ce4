/** auth_db module: `subscriber` (Kamailio auth_db-create). */
import { index, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const subscriber = mysqlTable(
  "subscriber",
  {
    id: kamailioId(),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }).notNull().default(""),
    /** Clear-text password; empty when kamctlrc STORE_PLAINTEXT_PW=0. */
    password: varchar("password", { length: 64 }).notNull().default(""),
    /** md5(username:realm:password) */
    ha1: varchar("ha1", { length: 128 }).notNull().default(""),
    /** md5(username@domain:realm:password), for clients that put the domain in the digest username. */
    ha1b: varchar("ha1b", { length: 128 }).notNull().default(""),
  },
  (t) => [unique("account_idx").on(t.username, t.domain), index("username_idx").on(t.username)],
);
