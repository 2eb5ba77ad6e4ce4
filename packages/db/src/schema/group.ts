/** group module: `grp` (membership) and `re_grp` (regular-expression groups) (group-create). */
import { index, int, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { KAMAILIO_EPOCH, kamailioId, localDateTime } from "./columns.ts";

export const grp = mysqlTable(
  "grp",
  {
    id: kamailioId(),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }).notNull().default(""),
    grp: varchar("grp", { length: 64 }).notNull().default(""),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
  },
  (t) => [unique("account_group_idx").on(t.username, t.domain, t.grp)],
);

export const reGrp = mysqlTable(
  "re_grp",
  {
    id: kamailioId(),
    regExp: varchar("reg_exp", { length: 128 }).notNull().default(""),
    groupId: int("group_id").notNull().default(0),
  },
  (t) => [index("group_idx").on(t.groupId)],
);
