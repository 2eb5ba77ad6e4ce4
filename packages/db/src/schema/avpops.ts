/** avpops module: `usr_preferences` (avpops-create). */
import { index, int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { KAMAILIO_EPOCH, kamailioId, localDateTime } from "./columns.ts";

export const usrPreferences = mysqlTable(
  "usr_preferences",
  {
    id: kamailioId(),
    uuid: varchar("uuid", { length: 64 }).notNull().default(""),
    /** Kamailio declares this VARCHAR(255) DEFAULT 0 (a number), so the default text is "0", not "". */
    username: varchar("username", { length: 255 }).notNull().default("0"),
    domain: varchar("domain", { length: 64 }).notNull().default(""),
    attribute: varchar("attribute", { length: 32 }).notNull().default(""),
    /** 0 string value, 1 integer value */
    type: int("type").notNull().default(0),
    value: varchar("value", { length: 128 }).notNull().default(""),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
  },
  (t) => [index("ua_idx").on(t.uuid, t.attribute), index("uda_idx").on(t.username, t.domain, t.attribute)],
);
