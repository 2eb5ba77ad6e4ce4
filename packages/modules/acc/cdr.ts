/**
 * CDR generation from acc rows (a replacement for Siremis's kamailio_cdrs() procedure).
 *
 * ## What becomes a CDR
 * An answered call: the acc INVITE row with a 2xx sip_code, paired with the first acc BYE row of the
 * same dialog. A dialog is the Call-ID plus the From/To tags in either order, since the callee's BYE
 * carries the tags swapped. The CDR takes caller, callee, source IP and start time from the INVITE
 * row. All acc INVITE/BYE rows of the dialog (re-INVITEs, a duplicate BYE) get `cdr_id` = the new
 * `cdrs.cdr_id`, as Siremis does. Rows are matched on their full Call-ID, whatever its length
 * (Siremis's procedure breaks on Call-IDs over 64 characters).
 *
 * ## Duration
 * `acc_cdrs.duration` (FLOAT(13,6)) is the exact BYE time minus the INVITE time. It has a fraction
 * when the acc `time` column holds one (a DATETIME(3/6) column); Kamailio's stock DATETIME has whole
 * seconds. `cdrs.duration` is an integer and is that value rounded up (a started second counts; equal
 * to Siremis's value for whole-second data). A BYE logged before its INVITE (clock skew between
 * nodes) gives 0. `acc_cdrs.id` is set to the `cdrs.cdr_id` so both rows of a call can be joined; turn
 * `fillAccCdrs` off when Kamailio's own dialog-based CDRs (acc `cdr_enable`) write acc_cdrs.
 *
 * ## Failed and missed calls
 * They are not CDRs: a CDR row has no status column, so a failed call would look like a 0-second
 * answered one. They are counted from `missed_calls` (one row per failed INVITE transaction, with
 * sip_code and sip_reason) and from acc INVITE rows with a sip_code >= 300 (written when a script sets
 * FLT_ACCFAILED on INVITE); callStats() gives those counts next to the answered calls.
 *
 * ## Incremental runs
 * Each examined acc row is marked: `cdr_id` > 0 when it belongs to a CDR, -1 when it was examined and
 * produced none (a MESSAGE, a call still in progress, a failed INVITE...). A run starts at the newest
 * marked row (found by scanning the primary key backwards over the unmarked tail) and reads only
 * unmarked rows after it, so its cost follows the number of new rows. The BYE that arrives later for
 * a call in progress finds its INVITE through the callid index (INVITE rows marked -1 still pair).
 * The scan starts `overlap` ids before the newest marked row to pick up rows that got a lower id but
 * committed after a previous run had passed (concurrent writers). Runs from several processes are
 * serialized with a MariaDB named lock. Every step is idempotent (cdrs' unique key on Call-ID and
 * tags), so an interrupted run is completed by the next one.
 *
 * Works on rows written by a real Kamailio: only Kamailio's acc columns and the WITH_ACCDB extras are
 * read, `time` as the local wall-clock text Kamailio writes.
 */
import { type Db, fromSqlDateTime } from "@switchboard/db";
import { sql } from "drizzle-orm";
import type { AccRow } from "./entry.ts";
import { loadRates, type RateTable, type RatingOptions, rateMany, storeRatings } from "./rating.ts";
import { rows } from "./sql.ts";

/** The acc columns CDR generation reads: the row as written (less the reason phrase), its id and cdr_id. */
export interface AccCallRow extends Omit<AccRow, "sipReason"> {
  id: number;
  cdrId: number;
}

export interface CallPair {
  invite: AccCallRow;
  bye: AccCallRow;
  /** Every row of the dialog not yet in a CDR (invite and bye included). */
  rows: AccCallRow[];
  /** BYE time minus INVITE time, seconds (fraction kept, never negative). */
  duration: number;
}

export interface PairResult {
  pairs: CallPair[];
  /** Rows of dialogs that already have a CDR: they join it. */
  attach: { cdrId: number; rows: AccCallRow[] }[];
}

const dialogKey = (r: Pick<AccCallRow, "callid" | "fromTag" | "toTag">) =>
  r.fromTag < r.toTag ? `${r.callid}\0${r.fromTag}\0${r.toTag}` : `${r.callid}\0${r.toTag}\0${r.fromTag}`;

const byTimeThenId = (a: AccCallRow, b: AccCallRow) =>
  a.time < b.time ? -1 : a.time > b.time ? 1 : a.id - b.id;

/** Seconds between two acc times (local DATETIME text, optional fraction). */
export function secondsBetween(start: string, end: string): number {
  const ms = fromSqlDateTime(end).getTime() - fromSqlDateTime(start).getTime();
  return ms > 0 ? ms / 1000 : 0;
}

/**
 * Pure pairing of acc INVITE/BYE rows into calls. Rows may span many Call-IDs and both directions;
 * rows of other methods are ignored.
 */
export function pairCalls(input: readonly AccCallRow[]): PairResult {
  const dialogs = new Map<string, AccCallRow[]>();
  for (const r of input) {
    const m = r.method.toUpperCase();
    if (m !== "INVITE" && m !== "BYE") continue;
    const k = dialogKey(r);
    const list = dialogs.get(k);
    if (list) list.push(r);
    else dialogs.set(k, [r]);
  }
  const out: PairResult = { pairs: [], attach: [] };
  for (const list of dialogs.values()) {
    const open = list.filter((r) => r.cdrId <= 0);
    const existing = list.find((r) => r.cdrId > 0);
    if (existing) {
      if (open.length) out.attach.push({ cdrId: existing.cdrId, rows: open });
      continue;
    }
    open.sort(byTimeThenId);
    const invite = open.find((r) => r.method.toUpperCase() === "INVITE" && r.sipCode.startsWith("2"));
    const bye = open.find((r) => r.method.toUpperCase() === "BYE");
    if (!invite || !bye) continue;
    out.pairs.push({ invite, bye, rows: open, duration: secondsBetween(invite.time, bye.time) });
  }
  return out;
}

export interface GenerateOptions {
  /**
   * Examine acc rows with id > since, including rows already examined without result (cdr_id -1);
   * default: continue after the last examined row.
   */
  since?: number;
  /** acc rows per batch (default 1000); also the overlap re-read before the last examined row. */
  batchSize?: number;
  /** Also write acc_cdrs (default true). */
  fillAccCdrs?: boolean;
  /** Rate new CDRs right away with these options (default { rateGroup: "default" }); false: leave unrated. */
  rate?: RatingOptions | false;
  /** Seconds to wait for another generator holding the lock (default 60). */
  lockTimeout?: number;
  onProgress?: (p: GenerateResult) => void;
}

export interface GenerateResult {
  /** acc rows examined. */
  examined: number;
  /** CDRs created. */
  cdrs: number;
  /** New CDRs rated / without a matching rate. */
  rated: number;
  unmatched: number;
  /** Highest acc id examined (0 when none). */
  lastAccId: number;
}

/**
 * Named lock serializing CDR generation across processes (sipd, the CLI, several sipd nodes) on one
 * database; the name includes the database, as lock names are server-wide.
 */
const LOCK = sql`CONCAT('switchboard.cdr_generate.', DATABASE())`;

/** Run `fn` while holding the named lock on a pinned connection. */
async function withLock<T>(db: Db, timeoutSec: number, fn: () => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const [got] = await rows<{ ok: number | null }>(tx, sql`SELECT GET_LOCK(${LOCK}, ${timeoutSec}) AS ok`);
    if (Number(got?.ok) !== 1)
      throw new Error(`CDR generation: another run holds the lock for over ${timeoutSec} s`);
    try {
      return await fn();
    } finally {
      await tx.execute(sql`SELECT RELEASE_LOCK(${LOCK})`);
    }
  });
}

/** Generate CDRs for acc rows not examined yet; see the module comment. */
export function generateCdrs(db: Db, opts: GenerateOptions = {}): Promise<GenerateResult> {
  return withLock(db, opts.lockTimeout ?? 60, () => generateLocked(db, opts));
}

async function generateLocked(db: Db, opts: GenerateOptions): Promise<GenerateResult> {
  const batch = Math.max(1, opts.batchSize ?? 1000);
  const rescan = opts.since !== undefined;
  let cursor: number;
  if (rescan) cursor = Math.max(0, opts.since ?? 0);
  else {
    const [last] = await rows<{ id: number }>(
      db,
      sql`SELECT id FROM acc WHERE cdr_id <> 0 ORDER BY id DESC LIMIT 1`,
    );
    cursor = Math.max(0, Number(last?.id ?? 0) - batch);
  }
  const rates = opts.rate === false ? null : await loadRates(db);
  const res: GenerateResult = { examined: 0, cdrs: 0, rated: 0, unmatched: 0, lastAccId: 0 };
  for (;;) {
    const scanned = await rows<{ id: number; method: string; callid: string }>(
      db,
      sql`SELECT id, method, callid FROM acc
          WHERE id > ${cursor} AND ${rescan ? sql`cdr_id <= 0` : sql`cdr_id = 0`}
          ORDER BY id LIMIT ${batch}`,
    );
    if (scanned.length === 0) break;
    const maxId = Number(scanned[scanned.length - 1].id);
    const callids = new Set<string>();
    for (const r of scanned) {
      const m = r.method.toUpperCase();
      if (m === "INVITE" || m === "BYE") callids.add(r.callid);
    }
    const dialogRows = await loadDialogRows(db, [...callids]);
    const made = await buildCdrs(db, pairCalls(dialogRows), {
      maxId,
      scannedIds: scanned.map((r) => Number(r.id)),
      fillAccCdrs: opts.fillAccCdrs !== false,
      rates,
      rating: opts.rate || {},
    });
    res.examined += scanned.length;
    res.cdrs += made.cdrs;
    res.rated += made.rated;
    res.unmatched += made.unmatched;
    res.lastAccId = maxId;
    opts.onProgress?.({ ...res });
    cursor = maxId;
    if (scanned.length < batch) break;
  }
  return res;
}

const CALL_COLUMNS = sql`id, method, from_tag AS fromTag, to_tag AS toTag, callid, sip_code AS sipCode,
  time, src_user AS srcUser, src_domain AS srcDomain, src_ip AS srcIp, dst_ouser AS dstOuser,
  dst_user AS dstUser, dst_domain AS dstDomain, cdr_id AS cdrId`;

/** All INVITE/BYE acc rows of the given Call-IDs (through callid_idx). */
async function loadDialogRows(db: Db, callids: string[]): Promise<AccCallRow[]> {
  const out: AccCallRow[] = [];
  for (let i = 0; i < callids.length; i += 200) {
    const part = callids.slice(i, i + 200);
    const found = await rows<AccCallRow>(
      db,
      sql`SELECT ${CALL_COLUMNS} FROM acc
          WHERE callid IN (${sql.join(
            part.map((c) => sql`${c}`),
            sql`, `,
          )}) AND method IN ('INVITE', 'BYE')`,
    );
    // The index compares case-insensitively; Call-IDs are case-sensitive (RFC 3261 §20.8).
    const wanted = new Set(part);
    for (const r of found)
      if (wanted.has(r.callid)) out.push({ ...r, id: Number(r.id), cdrId: Number(r.cdrId) });
  }
  return out;
}

interface BuildContext {
  /** Rows above the scan position are left for their own batch (keeps "marked" contiguous). */
  maxId: number;
  scannedIds: number[];
  fillAccCdrs: boolean;
  rates: RateTable | null;
  rating: RatingOptions;
}

/** Insert the CDRs of `found`, link the acc rows, mark the rest of the batch examined, rate. */
async function buildCdrs(db: Db, found: PairResult, ctx: BuildContext) {
  const made = { cdrs: 0, rated: 0, unmatched: 0 };
  const ids = await insertCdrs(db, found.pairs);
  const link = new Map<number, number>();
  const fresh: { pair: CallPair; cdrId: number }[] = [];
  for (const pair of found.pairs) {
    const cdrId = ids.get(dialogKey(pair.invite));
    if (!cdrId) continue;
    fresh.push({ pair, cdrId });
    for (const r of pair.rows) if (r.id <= ctx.maxId) link.set(r.id, cdrId);
  }
  for (const a of found.attach) for (const r of a.rows) if (r.id <= ctx.maxId) link.set(r.id, a.cdrId);

  if (ctx.fillAccCdrs && fresh.length > 0)
    await db.execute(
      sql`INSERT IGNORE INTO acc_cdrs (id, start_time, end_time, duration) VALUES ${sql.join(
        fresh.map(
          ({ pair, cdrId }) => sql`(${cdrId}, ${pair.invite.time}, ${pair.bye.time}, ${pair.duration})`,
        ),
        sql`, `,
      )}`,
    );

  const unlinked = ctx.scannedIds.filter((id) => !link.has(id));
  await db.transaction(async (tx) => {
    if (link.size > 0) {
      const cases = sql.join(
        [...link].map(([id, cdr]) => sql`WHEN ${id} THEN ${cdr}`),
        sql` `,
      );
      const inList = sql.join(
        [...link.keys()].map((id) => sql`${id}`),
        sql`, `,
      );
      await tx.execute(sql`UPDATE acc SET cdr_id = CASE id ${cases} END WHERE id IN (${inList})`);
    }
    if (unlinked.length > 0)
      await tx.execute(
        sql`UPDATE acc SET cdr_id = -1 WHERE cdr_id = 0 AND id IN (${sql.join(
          unlinked.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
  });

  made.cdrs = fresh.length;
  if (ctx.rates && fresh.length > 0) {
    const rated = rateMany(
      ctx.rates,
      fresh.map(({ pair, cdrId }) => ({
        cdrId,
        srcUsername: pair.invite.srcUser,
        srcDomain: pair.invite.srcDomain,
        dstUsername: pair.invite.dstUser,
        duration: Math.ceil(pair.duration),
      })),
      ctx.rating,
    );
    await storeRatings(db, rated);
    for (const r of rated) r.rated === 1 ? made.rated++ : made.unmatched++;
  }
  return made;
}

const CDR_WIDTH = { user: 64, domain: 128, callid: 255, tag: 128, ip: 64 };
const fit = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/**
 * Insert one cdrs row per pair (an existing row with the same Call-ID and tags is kept) and return
 * the cdr_id of each pair by dialog key.
 */
async function insertCdrs(db: Db, pairs: readonly CallPair[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (pairs.length === 0) return ids;
  const values = pairs.map(({ invite: i, duration }) => {
    const w = CDR_WIDTH;
    return sql`(${fit(i.srcUser, w.user)}, ${fit(i.srcDomain, w.domain)}, ${fit(i.dstUser, w.user)},
      ${fit(i.dstDomain, w.domain)}, ${fit(i.dstOuser, w.user)}, ${i.time}, ${Math.ceil(duration)},
      ${fit(i.callid, w.callid)}, ${fit(i.fromTag, w.tag)}, ${fit(i.toTag, w.tag)}, ${fit(i.srcIp, w.ip)},
      0, 0, NOW())`;
  });
  await db.execute(
    sql`INSERT INTO cdrs (src_username, src_domain, dst_username, dst_domain, dst_ousername,
          call_start_time, duration, sip_call_id, sip_from_tag, sip_to_tag, src_ip, cost, rated, created)
        VALUES ${sql.join(values, sql`, `)}
        ON DUPLICATE KEY UPDATE cdr_id = cdr_id`,
  );
  const callids = [...new Set(pairs.map((p) => p.invite.callid))];
  const stored = await rows<{ cdrId: number; callid: string; fromTag: string; toTag: string }>(
    db,
    sql`SELECT cdr_id AS cdrId, sip_call_id AS callid, sip_from_tag AS fromTag, sip_to_tag AS toTag
        FROM cdrs WHERE sip_call_id IN (${sql.join(
          callids.map((c) => sql`${c}`),
          sql`, `,
        )})`,
  );
  for (const s of stored) ids.set(dialogKey(s), Number(s.cdrId));
  return ids;
}

export interface CallStats {
  /** CDRs (answered calls) started in the window. */
  answered: number;
  /** missed_calls rows (failed INVITE transactions with FLT_ACCMISSED) in the window. */
  missed: number;
  /** acc INVITE rows with a final code >= 300 (FLT_ACCFAILED on INVITE) in the window. */
  failed: number;
  /** missed_calls rows by sip_code. */
  missedByCode: Record<string, number>;
}

/** Answered, missed and failed call counts for a time window (local DATETIME text, [from, to)). */
export async function callStats(db: Db, from: string, to: string): Promise<CallStats> {
  const [answered] = await rows<{ n: number }>(
    db,
    sql`SELECT COUNT(*) AS n FROM cdrs WHERE call_start_time >= ${from} AND call_start_time < ${to}`,
  );
  const missed = await rows<{ code: string; n: number }>(
    db,
    sql`SELECT sip_code AS code, COUNT(*) AS n FROM missed_calls
        WHERE time >= ${from} AND time < ${to} AND method = 'INVITE' GROUP BY sip_code`,
  );
  const [failed] = await rows<{ n: number }>(
    db,
    sql`SELECT COUNT(*) AS n FROM acc WHERE time >= ${from} AND time < ${to}
        AND method = 'INVITE' AND sip_code >= '300'`,
  );
  const missedByCode: Record<string, number> = {};
  for (const m of missed) missedByCode[m.code] = Number(m.n);
  return {
    answered: Number(answered?.n ?? 0),
    missed: Object.values(missedByCode).reduce((a, b) => a + b, 0),
    failed: Number(failed?.n ?? 0),
    missedByCode,
  };
}
