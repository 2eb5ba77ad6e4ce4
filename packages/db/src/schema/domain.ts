/** domain module: `domain` and `domain_attrs` (domain-create). */
import { index, int, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { KAMAILIO_EPOCH, kamailioId, localDateTime } from "./columns.ts";

export const domain = mysqlTable(
  "domain",
  {
    id: kamailioId(),
    domain: varchar("domain", { length: 64 }).notNull(),
    did: varchar("did", { length: 64 }),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
  },
  (t) => [unique("domain_idx").on(t.domain)],
);

export const domainAttrs = mysqlTable(
  "domain_attrs",
  {
    id: kamailioId(),
    did: varchar("did", { length: 64 }).notNull(),
    name: varchar("name", { length: 32 }).notNull(),
    /** 0 integer, 2 string */
    type: int("type", { unsigned: true }).notNull(),
    value: varchar("value", { length: 255 }).notNull(),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
  },
  (t) => [index("domain_attrs_idx").on(t.did, t.name)],
);
