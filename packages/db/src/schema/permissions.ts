/** permissions module: `trusted` and `address` (permissions-create). */
import { customType, index, int, mysqlTable, smallint, varchar } from "drizzle-orm/mysql-core";
import { kamailioId } from "./columns.ts";

export const trusted = mysqlTable(
  "trusted",
  {
    id: kamailioId(),
    srcIp: varchar("src_ip", { length: 50 }).notNull(),
    /** any, udp, tcp, tls, ws, wss, sctp or none */
    proto: varchar("proto", { length: 4 }).notNull(),
    fromPattern: varchar("from_pattern", { length: 64 }),
    ruriPattern: varchar("ruri_pattern", { length: 64 }),
    tag: varchar("tag", { length: 64 }),
    priority: int("priority").notNull().default(0),
  },
  (t) => [index("peer_idx").on(t.srcIp)],
);

/**
 * Kamailio declares address.grp `INT(11) UNSIGNED`: a display width of 11 where MariaDB's default for an
 * unsigned INT is 10. drizzle's int() cannot spell a width, so the type is written out.
 */
const intWidth11Unsigned = customType<{ data: number; driverData: number }>({
  dataType: () => "int(11) unsigned",
});

export const address = mysqlTable("address", {
  id: kamailioId(),
  grp: intWidth11Unsigned("grp").notNull().default(1),
  ipAddr: varchar("ip_addr", { length: 50 }).notNull(),
  mask: int("mask").notNull().default(32),
  /** 0 = any port */
  port: smallint("port", { unsigned: true }).notNull().default(0),
  tag: varchar("tag", { length: 64 }),
});
