/**
 * Siremis's accounting/monitoring tables (not Kamailio's): `cdrs`, `billing_rates`, `statistics`.
 * Same names and columns as Siremis creates them, so an existing Siremis database is adopted as is.
 *
 * Deliberate differences:
 * - cdrs.sip_call_id is VARCHAR(255) (Siremis: 128) so it holds every Call-ID acc.callid (VARCHAR(255))
 *   can hold. Siremis's kamailio_cdrs() copies Call-IDs through 64-char variables and stops generating
 *   CDRs for good at the first longer one; our CDR builder must never truncate or stall on them.
 * - Extra indexes for the console's date-range queries: cdrs(call_start_time), statistics(time_stamp).
 */
import { bigint, index, int, mysqlTable, unique, varchar } from "drizzle-orm/mysql-core";
import { localDateTime } from "./columns.ts";

export const cdrs = mysqlTable(
  "cdrs",
  {
    cdrId: bigint("cdr_id", { mode: "number" }).autoincrement().primaryKey(),
    srcUsername: varchar("src_username", { length: 64 }).notNull().default(""),
    srcDomain: varchar("src_domain", { length: 128 }).notNull().default(""),
    dstUsername: varchar("dst_username", { length: 64 }).notNull().default(""),
    dstDomain: varchar("dst_domain", { length: 128 }).notNull().default(""),
    dstOusername: varchar("dst_ousername", { length: 64 }).notNull().default(""),
    callStartTime: localDateTime("call_start_time").notNull().default("2000-01-01 00:00:00"),
    /** Whole seconds between the INVITE and the BYE. */
    duration: int("duration", { unsigned: true }).notNull().default(0),
    sipCallId: varchar("sip_call_id", { length: 255 }).notNull().default(""),
    sipFromTag: varchar("sip_from_tag", { length: 128 }).notNull().default(""),
    sipToTag: varchar("sip_to_tag", { length: 128 }).notNull().default(""),
    srcIp: varchar("src_ip", { length: 64 }).notNull().default(""),
    /** rate_unit * ceil(duration / time_unit) of the matching billing_rates row. */
    cost: int("cost").notNull().default(0),
    /** 1 once cost has been computed. */
    rated: int("rated").notNull().default(0),
    created: localDateTime("created").notNull(),
  },
  (t) => [
    unique("uk_cft").on(t.sipCallId, t.sipFromTag, t.sipToTag),
    index("call_start_time_idx").on(t.callStartTime),
  ],
);

export const billingRates = mysqlTable(
  "billing_rates",
  {
    rateId: bigint("rate_id", { mode: "number" }).autoincrement().primaryKey(),
    rateGroup: varchar("rate_group", { length: 64 }).notNull().default("default"),
    /** Destination prefix; the longest matching prefix wins. */
    prefix: varchar("prefix", { length: 64 }).notNull().default(""),
    /** Cost per started time_unit. */
    rateUnit: int("rate_unit").notNull().default(0),
    /** Billing increment in seconds. */
    timeUnit: int("time_unit").notNull().default(60),
  },
  (t) => [unique("uk_rp").on(t.rateGroup, t.prefix)],
);

const counter = (name: string) => int(name, { unsigned: true }).notNull().default(0);

/** One sample every 300 s, as Siremis's rtimer route writes it (diffs are per interval). */
export const statistics = mysqlTable(
  "statistics",
  {
    id: int("id", { unsigned: true }).autoincrement().primaryKey(),
    /** Unix time of the sample. */
    timeStamp: counter("time_stamp"),
    shmUsedSize: counter("shm_used_size"),
    shmRealUsedSize: counter("shm_real_used_size"),
    shmMaxUsedSize: counter("shm_max_used_size"),
    shmFreeUsedSize: counter("shm_free_used_size"),
    ulUsers: counter("ul_users"),
    ulContacts: counter("ul_contacts"),
    tmActive: counter("tm_active"),
    rcvReqDiff: counter("rcv_req_diff"),
    fwdReqDiff: counter("fwd_req_diff"),
    trans2xxDiff: counter("2xx_trans_diff"),
  },
  (t) => [index("time_stamp_idx").on(t.timeStamp)],
);
