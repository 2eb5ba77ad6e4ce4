/**
 * acc module: `acc`, `missed_calls` and `acc_cdrs` (acc-create, 6.1 layout).
 *
 * `acc` and `missed_calls` also carry the db_extra columns of the default kamailio.cfg WITH_ACCDB block
 * (`src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;dst_user=$rU;dst_domain=$rd`, with the widths
 * from that block's ALTER TABLE comment) plus Siremis's `cdr_id`. They come last, in that order, so a
 * database created by kamdbctl and then ALTERed ends up with the same column order as a fresh one.
 *
 * Console note: Kamailio indexes acc/missed_calls only by callid. Time-window charts scan `time`; an
 * index on acc(time) would help large tables but is deliberately not added (we never alter Kamailio's
 * indexes). Operators can add it themselves; the console's CDR charts read the indexed `cdrs` table.
 */
import { float, index, int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { kamailioId, localDateTime } from "./columns.ts";

function accColumns() {
  return {
    id: kamailioId(),
    method: varchar("method", { length: 16 }).notNull().default(""),
    fromTag: varchar("from_tag", { length: 128 }).notNull().default(""),
    toTag: varchar("to_tag", { length: 128 }).notNull().default(""),
    callid: varchar("callid", { length: 255 }).notNull().default(""),
    sipCode: varchar("sip_code", { length: 3 }).notNull().default(""),
    sipReason: varchar("sip_reason", { length: 128 }).notNull().default(""),
    /** No default in Kamailio: acc always writes it. */
    time: localDateTime("time").notNull(),
    srcUser: varchar("src_user", { length: 64 }).notNull().default(""),
    srcDomain: varchar("src_domain", { length: 128 }).notNull().default(""),
    srcIp: varchar("src_ip", { length: 64 }).notNull().default(""),
    dstOuser: varchar("dst_ouser", { length: 64 }).notNull().default(""),
    dstUser: varchar("dst_user", { length: 64 }).notNull().default(""),
    dstDomain: varchar("dst_domain", { length: 128 }).notNull().default(""),
    /** cdrs.cdr_id of the CDR built from this row; 0 = not yet turned into a CDR. */
    cdrId: int("cdr_id").notNull().default(0),
  };
}

export const acc = mysqlTable("acc", accColumns(), (t) => [index("callid_idx").on(t.callid)]);

export const missedCalls = mysqlTable("missed_calls", accColumns(), (t) => [
  index("callid_idx").on(t.callid),
]);

export const accCdrs = mysqlTable(
  "acc_cdrs",
  {
    id: kamailioId(),
    startTime: localDateTime("start_time").notNull().default("2000-01-01 00:00:00"),
    endTime: localDateTime("end_time").notNull().default("2000-01-01 00:00:00"),
    /** Seconds with microseconds (FLOAT(13,6) from table version 3, Kamailio 6.1). */
    duration: float("duration", { precision: 13, scale: 6 }).notNull().default(0),
  },
  (t) => [index("start_time_idx").on(t.startTime)],
);
