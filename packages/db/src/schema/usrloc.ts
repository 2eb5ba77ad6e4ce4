/**
 * usrloc/registrar tables: `location`, `location_attrs` (usrloc-create) and `aliases` (registrar-create).
 * `aliases` has the usrloc layout with narrower contact/received columns.
 */
import { float, index, int, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { KAMAILIO_EPOCH, kamailioId, localDateTime } from "./columns.ts";

/** Default `expires` of a usrloc row: Kamailio's far-future "permanent" marker. */
export const USRLOC_EXPIRES_DEFAULT = "2030-05-28 21:32:15";

/** The ucontact columns shared by `location` and `aliases`; only two lengths differ. */
function ucontactColumns(contactLength: number, receivedLength: number) {
  return {
    id: kamailioId(),
    ruid: varchar("ruid", { length: 64 }).notNull().default(""),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }),
    contact: varchar("contact", { length: contactLength }).notNull().default(""),
    received: varchar("received", { length: receivedLength }),
    path: varchar("path", { length: 512 }),
    expires: localDateTime("expires").notNull().default(USRLOC_EXPIRES_DEFAULT),
    q: float("q", { precision: 10, scale: 2 }).notNull().default(1),
    callid: varchar("callid", { length: 255 }).notNull().default("Default-Call-ID"),
    cseq: int("cseq").notNull().default(1),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
    flags: int("flags").notNull().default(0),
    cflags: int("cflags").notNull().default(0),
    userAgent: varchar("user_agent", { length: 255 }).notNull().default(""),
    socket: varchar("socket", { length: 64 }),
    methods: int("methods"),
    instance: varchar("instance", { length: 255 }),
    regId: int("reg_id").notNull().default(0),
    serverId: int("server_id").notNull().default(0),
    connectionId: int("connection_id").notNull().default(0),
    keepalive: int("keepalive").notNull().default(0),
    partition: int("partition").notNull().default(0),
  };
}

export const location = mysqlTable("location", ucontactColumns(512, 128), (t) => [
  unique("ruid_idx").on(t.ruid),
  index("account_contact_idx").on(t.username, t.domain, t.contact),
  index("expires_idx").on(t.expires),
  index("tcpcon_idx").on(t.connectionId),
  index("connection_idx").on(t.serverId, t.connectionId),
]);

export const locationAttrs = mysqlTable(
  "location_attrs",
  {
    id: kamailioId(),
    ruid: varchar("ruid", { length: 64 }).notNull().default(""),
    username: varchar("username", { length: 64 }).notNull().default(""),
    domain: varchar("domain", { length: 64 }),
    aname: varchar("aname", { length: 64 }).notNull().default(""),
    atype: int("atype").notNull().default(0),
    avalue: varchar("avalue", { length: 512 }).notNull().default(""),
    lastModified: localDateTime("last_modified").notNull().default(KAMAILIO_EPOCH),
  },
  (t) => [
    index("account_record_idx").on(t.username, t.domain, t.ruid),
    index("last_modified_idx").on(t.lastModified),
  ],
);

export const aliases = mysqlTable("aliases", ucontactColumns(255, 255), (t) => [
  unique("ruid_idx").on(t.ruid),
  index("account_contact_idx").on(t.username, t.domain, t.contact),
  index("expires_idx").on(t.expires),
]);
