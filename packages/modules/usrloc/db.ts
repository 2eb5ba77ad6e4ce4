/**
 * Database side of usrloc: one ContactTable per usrloc domain ("location", "aliases"), mapping bindings to
 * Kamailio's table layout exactly as usrloc's db code does:
 * - expires/last_modified are local DATETIMEs; a permanent binding (expires 0) is stored as the epoch;
 * - methods/flags/cflags are unsigned in memory and written as signed INT (ALL_METHODS reads back as -1);
 * - received/path/socket/instance are NULL when empty; domain is NULL unless use_domain;
 * - rows are keyed by ruid (unique index), so every write is an upsert and deletes go by ruid.
 */
import { aliases, type Db, fromSqlDateTime, location, toSqlDateTime } from "@switchboard/db";
import { and, asc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import { splitAor, type UContact } from "./ucontact.ts";

type LocationTable = typeof location;
type LocationRow = LocationTable["$inferSelect"];
type LocationInsert = LocationTable["$inferInsert"];

/** Tables with the ucontact layout, by usrloc domain name. `aliases` has the same columns (narrower). */
const TABLES: Record<string, LocationTable> = {
  location,
  aliases: aliases as unknown as LocationTable,
};

/** Stored expires values up to this (two days after the epoch, any time zone) mean "permanent". */
const PERMANENT_MAX = 2 * 86400;

const toDateTime = (sec: number) => toSqlDateTime(new Date(sec * 1000));
const fromDateTime = (s: string) => Math.round(fromSqlDateTime(s).getTime() / 1000);

export function contactToRow(c: UContact, useDomain: boolean): LocationInsert {
  const { username, domain } = splitAor(c.aor, useDomain);
  return {
    ruid: c.ruid,
    username,
    domain,
    contact: c.contact,
    received: c.received || null,
    path: c.path || null,
    expires: toDateTime(c.expires),
    q: c.q,
    callid: c.callid,
    cseq: c.cseq,
    lastModified: toDateTime(c.lastModified),
    flags: c.flags | 0,
    cflags: c.cflags | 0,
    userAgent: c.userAgent,
    socket: c.socket || null,
    methods: c.methods | 0,
    instance: c.instance || null,
    regId: c.regId,
    serverId: c.serverId,
    connectionId: c.connectionId,
    keepalive: c.keepalive,
  };
}

export function rowToContact(r: LocationRow, useDomain: boolean): UContact {
  const expires = fromDateTime(r.expires);
  const lastModified = fromDateTime(r.lastModified);
  return {
    ruid: r.ruid,
    aor: useDomain && r.domain ? `${r.username}@${r.domain}` : r.username,
    contact: r.contact,
    received: r.received ?? "",
    path: r.path ?? "",
    expires: expires <= PERMANENT_MAX ? 0 : expires,
    q: r.q,
    callid: r.callid,
    cseq: r.cseq,
    flags: r.flags >>> 0,
    cflags: r.cflags >>> 0,
    userAgent: r.userAgent,
    socket: r.socket ?? "",
    methods: r.methods === null ? 0xffffffff : r.methods >>> 0,
    instance: r.instance ?? "",
    regId: r.regId,
    serverId: r.serverId,
    connectionId: r.connectionId,
    keepalive: r.keepalive,
    lastKeepalive: lastModified,
    lastModified,
    state: "CS_SYNC",
  };
}

/** Every column but id and ruid, refreshed from the incoming row on a duplicate ruid. */
function upsertSet(t: LocationTable) {
  const v = (col: LocationTable[keyof LocationTable]) => sql`values(${col})`;
  return {
    username: v(t.username),
    domain: v(t.domain),
    contact: v(t.contact),
    received: v(t.received),
    path: v(t.path),
    expires: v(t.expires),
    q: v(t.q),
    callid: v(t.callid),
    cseq: v(t.cseq),
    lastModified: v(t.lastModified),
    flags: v(t.flags),
    cflags: v(t.cflags),
    userAgent: v(t.userAgent),
    socket: v(t.socket),
    methods: v(t.methods),
    instance: v(t.instance),
    regId: v(t.regId),
    serverId: v(t.serverId),
    connectionId: v(t.connectionId),
    keepalive: v(t.keepalive),
  };
}

export class ContactTable {
  private readonly t: LocationTable;
  private readonly set: ReturnType<typeof upsertSet>;

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly useDomain: boolean,
    private readonly batchSize: number,
  ) {
    const t = TABLES[name];
    if (!t) throw new Error(`usrloc: no table with the location layout named "${name}"`);
    this.t = t;
    this.set = upsertSet(t);
  }

  /** Inserts new bindings and refreshes known ones (by ruid), in batches. */
  async upsert(contacts: readonly UContact[]): Promise<void> {
    for (let i = 0; i < contacts.length; i += this.batchSize) {
      const rows = contacts.slice(i, i + this.batchSize).map((c) => contactToRow(c, this.useDomain));
      await this.db.insert(this.t).values(rows).onDuplicateKeyUpdate({ set: this.set });
    }
  }

  async deleteRuids(ruids: readonly string[]): Promise<void> {
    for (let i = 0; i < ruids.length; i += this.batchSize) {
      await this.db.delete(this.t).where(inArray(this.t.ruid, ruids.slice(i, i + this.batchSize)));
    }
  }

  private aorCondition(aor: string) {
    const { username, domain } = splitAor(aor, this.useDomain);
    if (!this.useDomain) return eq(this.t.username, username);
    return and(
      eq(this.t.username, username),
      domain === null ? isNull(this.t.domain) : eq(this.t.domain, domain),
    );
  }

  /** The bindings of one AoR (db_mode 3 reads). */
  async selectAor(aor: string): Promise<UContact[]> {
    const rows = await this.db.select().from(this.t).where(this.aorCondition(aor));
    return rows.map((r) => rowToContact(r, this.useDomain));
  }

  /** Walks the whole table in id order, one page at a time (preload, db_mode 3 dumps). */
  async *scan(): AsyncGenerator<UContact[]> {
    let lastId = 0;
    for (;;) {
      const rows = await this.db
        .select()
        .from(this.t)
        .where(gt(this.t.id, lastId))
        .orderBy(asc(this.t.id))
        .limit(this.batchSize);
      if (rows.length === 0) return;
      lastId = rows[rows.length - 1].id;
      yield rows.map((r) => rowToContact(r, this.useDomain));
    }
  }

  /** Removes expired, non-permanent rows (db_mode 3 timer); returns how many went. */
  async deleteExpired(nowSec: number): Promise<number> {
    const [res] = await this.db
      .delete(this.t)
      .where(and(lte(this.t.expires, toDateTime(nowSec)), gt(this.t.expires, toDateTime(PERMANENT_MAX))));
    return (res as { affectedRows?: number }).affectedRows ?? 0;
  }
}
