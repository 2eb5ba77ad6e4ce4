/** dialplan module: `dialplan` (dialplan-create). No column has a default: inserts must set all eight. */
import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const dialplan = mysqlTable("dialplan", {
  id: kamailioId(),
  dpid: int("dpid").notNull(),
  /** Priority: lower values are tried first. */
  pr: int("pr").notNull(),
  /** 0 equal, 1 regex, 2 fnmatch. */
  matchOp: int("match_op").notNull(),
  matchExp: varchar("match_exp", { length: 64 }).notNull(),
  matchLen: int("match_len").notNull(),
  substExp: varchar("subst_exp", { length: 64 }).notNull(),
  replExp: varchar("repl_exp", { length: 256 }).notNull(),
  attrs: varchar("attrs", { length: 64 }).notNull(),
});
