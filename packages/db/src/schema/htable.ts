/** htable module: `htable` (htable-create, 6.0+ widths: key_name 256, key_value 512). */
import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const htable = mysqlTable("htable", {
  id: kamailioId(),
  keyName: varchar("key_name", { length: 256 }).notNull().default(""),
  /** 0 simple key, 1 array key */
  keyType: int("key_type").notNull().default(0),
  /** 0 string value, 1 integer value */
  valueType: int("value_type").notNull().default(0),
  keyValue: varchar("key_value", { length: 512 }).notNull().default(""),
  /** Absolute unix time of expiry; 0 = never. */
  expires: int("expires").notNull().default(0),
});
