/** alias_db module: `dbaliases` (alias_db-create). None of its indexes is unique in Kamailio. */
import { index, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const dbaliases = mysqlTable(
  "dbaliases",
  {
    id: kamailioId(),
    aliasUsername: varchar("alias_username", { length: 64 }).notNull().default(""),
    aliasDomain: varchar("alias_domain", { length: 64 }).notNull().default(""),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }).notNull().default(""),
  },
  (t) => [
    index("alias_user_idx").on(t.aliasUsername),
    index("alias_idx").on(t.aliasUsername, t.aliasDomain),
    index("target_idx").on(t.username, t.domain),
  ],
);
