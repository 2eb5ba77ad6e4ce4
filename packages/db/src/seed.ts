/**
 * Demo data for a fresh database (`npm run db:seed`, and the start command on first run).
 *
 * What it loads, for the SIP domain given (config sip.domain, default "switchboard.local"):
 * - the domain; 20 subscribers: alice bob carol dave erin frank grace heidi ivan judy and 1001 … 1010,
 *   each with the password "<username>-pass" (e.g. alice / alice-pass), ha1/ha1b as kamctl computes them;
 * - dbaliases 201 … 210 (alice … judy) plus "sales" (carol) and "support" (dave); a few speed dials;
 * - dispatcher set 1: sip:127.0.0.1:5070 and sip:127.0.0.1:5072;
 * - dialplan 1: 00 → +, a national-number regex with a back-reference, an equal match (112), an fnmatch;
 * - groups local / ld / int / voicemail; address group 1 (127.0.0.1/32, 192.0.2.0/24) and group 2;
 *   one trusted peer; billing rates;
 * - one week (ending now) of acc INVITE/BYE pairs, failed calls in acc + missed_calls, cdrs and acc_cdrs
 *   for the answered calls, and a `statistics` sample every 300 s: every console chart has data.
 * Pseudo-random but deterministic (fixed seed); timestamps are relative to `now`, in local time.
 *
 * Idempotent and safe on a live database: it only seeds when subscriber, domain, dispatcher, acc and
 * cdrs are all empty, and does everything in one transaction, so a second run (or a run on an adopted Kamailio
 * database) changes nothing and returns { created: false }.
 */
import { sql } from "drizzle-orm";
import { subscriberHashes } from "./credentials.ts";
import { toSqlDateTime } from "./datetime.ts";
import type { Db } from "./index.ts";
import { mulberry32 } from "./prng.ts";
import {
  acc,
  accCdrs,
  address,
  billingRates,
  cdrs,
  dbaliases,
  dialplan,
  dispatcher,
  domain,
  grp,
  missedCalls,
  reGrp,
  speedDial,
  statistics,
  subscriber,
  trusted,
} from "./schema/index.ts";

export const DEMO_NAMED_USERS = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "frank",
  "grace",
  "heidi",
  "ivan",
  "judy",
] as const;
export const DEMO_NUMERIC_USERS = Array.from({ length: 10 }, (_, i) => String(1001 + i));
export const DEMO_USERS: readonly string[] = [...DEMO_NAMED_USERS, ...DEMO_NUMERIC_USERS];

/** The documented password of a demo subscriber. */
export const demoPassword = (username: string) => `${username}-pass`;

export interface SeedOptions {
  domain: string;
  /** kamctlrc STORE_PLAINTEXT_PW: keep the clear password in subscriber.password. */
  storePlaintext: boolean;
  /** End of the generated week of traffic (default: the current time). */
  now?: Date;
}

/** Deterministic random values, so every seeded database holds the same traffic pattern. */
function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    hex: (len: number) => Array.from({ length: len }, () => Math.floor(next() * 16).toString(16)).join(""),
  };
}
type Prng = ReturnType<typeof prng>;

/** Relative call volume by local hour: quiet nights, busy office hours. */
function hourlyLoad(hour: number): number {
  if (hour < 7 || hour >= 21) return 0.08;
  if (hour < 9 || hour >= 18) return 0.45;
  return hour === 12 ? 0.6 : 1;
}

const userIp = (username: string) => `192.0.2.${10 + DEMO_USERS.indexOf(username)}`;

const FAILURES = [
  { code: "486", reason: "Busy Here" },
  { code: "487", reason: "Request Terminated" },
  { code: "480", reason: "Temporarily Unavailable" },
  { code: "404", reason: "Not Found" },
  { code: "603", reason: "Decline" },
] as const;

const EXTERNAL_PREFIXES = ["+4420", "+447700", "+4930", "+49151", "+1212"] as const;

const RATES = [
  { rateGroup: "default", prefix: "+1", rateUnit: 2, timeUnit: 60 },
  { rateGroup: "default", prefix: "+44", rateUnit: 4, timeUnit: 60 },
  { rateGroup: "default", prefix: "+4420", rateUnit: 3, timeUnit: 60 },
  { rateGroup: "default", prefix: "+447", rateUnit: 9, timeUnit: 60 },
  { rateGroup: "default", prefix: "+49", rateUnit: 5, timeUnit: 60 },
  { rateGroup: "default", prefix: "+491", rateUnit: 12, timeUnit: 60 },
  { rateGroup: "premium", prefix: "+44", rateUnit: 8, timeUnit: 30 },
];

/** Siremis's rating: longest matching prefix of the rate group; cost per started time unit. */
function rateCall(dstUser: string, durationSec: number, rateGroup = "default"): number {
  const rate = RATES.filter((r) => r.rateGroup === rateGroup && dstUser.startsWith(r.prefix)).sort(
    (a, b) => b.prefix.length - a.prefix.length,
  )[0];
  return rate ? rate.rateUnit * Math.ceil(durationSec / rate.timeUnit) : 0;
}

type AccRow = typeof acc.$inferInsert;
type CdrRow = typeof cdrs.$inferInsert;

interface Traffic {
  acc: AccRow[];
  missed: AccRow[];
  cdrs: CdrRow[];
  accCdrs: (typeof accCdrs.$inferInsert)[];
}

/** One week of calls ending at `now`. CDR ids are assigned here so acc.cdr_id can point at them. */
function generateTraffic(rnd: Prng, dom: string, now: Date): Traffic {
  const out: Traffic = { acc: [], missed: [], cdrs: [], accCdrs: [] };
  // Whole seconds, like DATETIME: cdrs.duration then equals BYE time minus INVITE time, as in Siremis.
  const end = Math.floor(now.getTime() / 1000) * 1000 - 60_000;
  const start = end - 7 * 24 * 3600_000;
  let cdrId = 0;
  for (let slot = start; slot < end; slot += 3600_000) {
    const calls = Math.round(hourlyLoad(new Date(slot).getHours()) * rnd.int(3, 7));
    for (let c = 0; c < calls; c++) {
      const t0 = slot + rnd.int(0, 3599) * 1000;
      const caller = rnd.pick(DEMO_USERS);
      const external = rnd.next() < 0.25;
      const callee = external
        ? `${rnd.pick(EXTERNAL_PREFIXES)}${rnd.int(1000000, 9999999)}`
        : rnd.pick(DEMO_USERS.filter((u) => u !== caller));
      // Some internal calls dial an alias (201…210): dst_ouser keeps what was dialled.
      const viaAlias =
        !external && (DEMO_NAMED_USERS as readonly string[]).includes(callee) && rnd.next() < 0.3;
      const dialled = viaAlias ? String(201 + DEMO_USERS.indexOf(callee)) : callee;
      const durationMs = rnd.int(4000, rnd.next() < 0.2 ? 1_800_000 : 300_000);
      if (t0 + durationMs > end) continue;
      const answered = rnd.next() < 0.72;
      const callid =
        answered && cdrId === 0
          ? // The first CDR gets a Call-ID over 64 characters: the kind that stalls Siremis's CDR procedure.
            `${rnd.hex(32)}-${rnd.hex(32)}-${rnd.hex(16)}@${userIp(caller)}`
          : `${rnd.hex(24)}@${userIp(caller)}`;
      const fromTag = rnd.hex(10);
      const toTag = rnd.hex(10);
      const base = {
        srcUser: caller,
        srcDomain: dom,
        srcIp: userIp(caller),
        dstOuser: dialled,
        dstUser: callee,
        dstDomain: dom,
        callid,
      };
      if (answered) {
        cdrId++;
        const seconds = Math.floor(durationMs / 1000);
        out.acc.push({
          ...base,
          method: "INVITE",
          fromTag,
          toTag,
          sipCode: "200",
          sipReason: "OK",
          time: toSqlDateTime(new Date(t0)),
          cdrId,
        });
        const calleeHangsUp = !external && rnd.next() < 0.5;
        out.acc.push({
          ...base,
          ...(calleeHangsUp
            ? {
                srcUser: callee,
                srcIp: userIp(callee),
                dstOuser: caller,
                dstUser: caller,
                fromTag: toTag,
                toTag: fromTag,
              }
            : { fromTag, toTag }),
          method: "BYE",
          sipCode: "200",
          sipReason: "OK",
          time: toSqlDateTime(new Date(t0 + durationMs)),
          cdrId,
        });
        out.cdrs.push({
          cdrId,
          srcUsername: caller,
          srcDomain: dom,
          dstUsername: callee,
          dstDomain: dom,
          dstOusername: dialled,
          callStartTime: toSqlDateTime(new Date(t0)),
          duration: seconds,
          sipCallId: callid,
          sipFromTag: fromTag,
          sipToTag: toTag,
          srcIp: userIp(caller),
          cost: rateCall(callee, seconds),
          rated: 1,
          created: toSqlDateTime(new Date(Math.min(t0 + durationMs + 300_000, end))),
        });
        out.accCdrs.push({
          startTime: toSqlDateTime(new Date(t0)),
          endTime: toSqlDateTime(new Date(t0 + durationMs)),
          duration: durationMs / 1000,
        });
      } else {
        const failure = rnd.pick(FAILURES);
        const row: AccRow = {
          ...base,
          method: "INVITE",
          fromTag,
          toTag: failure.code === "487" ? "" : toTag,
          sipCode: failure.code,
          sipReason: failure.reason,
          time: toSqlDateTime(new Date(t0 + rnd.int(1, 30) * 1000)),
        };
        // kamailio.cfg sets both FLT_ACCFAILED (acc) and FLT_ACCMISSED (missed_calls) on INVITEs.
        out.acc.push(row);
        out.missed.push(row);
      }
    }
  }
  return out;
}

/** One `statistics` row every 300 s, shaped like Siremis's rtimer route records them. */
function generateStatistics(rnd: Prng, now: Date): (typeof statistics.$inferInsert)[] {
  const rows: (typeof statistics.$inferInsert)[] = [];
  const step = 300;
  const endTs = Math.floor(now.getTime() / 1000 / step) * step;
  const shmTotal = 64 * 1024 * 1024;
  let maxUsed = 0;
  for (let ts = endTs - 7 * 24 * 3600 + step; ts <= endTs; ts += step) {
    const load = hourlyLoad(new Date(ts * 1000).getHours());
    const users = Math.min(DEMO_USERS.length, Math.round(6 + 12 * load + rnd.int(-1, 2)));
    const contacts = users + Math.round(users * 0.3);
    const used = 3_600_000 + contacts * 2_400 + Math.round(load * 900_000) + rnd.int(0, 120_000);
    const realUsed = used + 480_000;
    maxUsed = Math.max(maxUsed, realUsed);
    const rcv = Math.round(30 + 420 * load + rnd.int(0, 40));
    rows.push({
      timeStamp: ts,
      shmUsedSize: used,
      shmRealUsedSize: realUsed,
      shmMaxUsedSize: maxUsed,
      shmFreeUsedSize: shmTotal - realUsed,
      ulUsers: users,
      ulContacts: contacts,
      tmActive: Math.round(8 * load * rnd.next()),
      rcvReqDiff: rcv,
      fwdReqDiff: Math.round(rcv * 0.62),
      trans2xxDiff: Math.round(rcv * 0.47),
    });
  }
  return rows;
}

/** Insert in chunks: a week of traffic is a few thousand rows, far below any packet limit per chunk. */
async function insertChunked<T extends Parameters<Db["insert"]>[0]>(
  tx: Pick<Db, "insert">,
  table: T,
  rows: T["$inferInsert"][],
) {
  for (let i = 0; i < rows.length; i += 500) await tx.insert(table).values(rows.slice(i, i + 500));
}

export async function seedDemo(db: Db, opts: SeedOptions): Promise<{ created: boolean }> {
  const dom = opts.domain;
  const now = opts.now ?? new Date();
  const stamp = toSqlDateTime(now);
  return db.transaction(async (tx) => {
    // Serialise concurrent seeders of the same database (start command + npm run db:seed).
    await tx.execute(sql`SELECT GET_LOCK(CONCAT('switchboard_seed:', DATABASE()), 30)`);
    try {
      const [rows] = (await tx.execute(
        sql`SELECT EXISTS(SELECT 1 FROM subscriber) OR EXISTS(SELECT 1 FROM domain)
              OR EXISTS(SELECT 1 FROM dispatcher) OR EXISTS(SELECT 1 FROM acc) OR EXISTS(SELECT 1 FROM cdrs)
              AS used`,
      )) as unknown as [{ used: number | string }[]];
      if (Number(rows[0].used)) return { created: false };

      await tx.insert(domain).values({ domain: dom, lastModified: stamp });
      await tx.insert(subscriber).values(
        DEMO_USERS.map((username) => ({
          username,
          domain: dom,
          password: opts.storePlaintext ? demoPassword(username) : "",
          ...subscriberHashes(username, dom, demoPassword(username)),
        })),
      );
      await tx.insert(dbaliases).values([
        ...DEMO_NAMED_USERS.map((username, i) => ({
          aliasUsername: String(201 + i),
          aliasDomain: dom,
          username,
          domain: dom,
        })),
        { aliasUsername: "sales", aliasDomain: dom, username: "carol", domain: dom },
        { aliasUsername: "support", aliasDomain: dom, username: "dave", domain: dom },
      ]);
      const dial = (username: string, sd: string, target: string, fname: string, lname = "") => ({
        username,
        domain: dom,
        sdUsername: sd,
        sdDomain: dom,
        newUri: `sip:${target}@${dom}`,
        fname,
        lname,
        description: `${username}'s key ${sd}`,
      });
      await tx.insert(speedDial).values([
        // Two-digit codes: the default script's LOCATION route only tries speed dial for ^[0-9]{2}$.
        dial("alice", "11", "bob", "Bob"),
        dial("alice", "12", "carol", "Carol"),
        dial("alice", "13", "1001", "Desk", "1001"),
        dial("bob", "11", "alice", "Alice"),
        dial("bob", "19", "+442071234567", "London", "office"),
        dial("carol", "11", "alice", "Alice"),
      ]);
      await tx.insert(dispatcher).values([
        {
          setid: 1,
          destination: "sip:127.0.0.1:5070",
          attrs: "duid=gw-a;weight=50",
          description: "demo gateway A",
        },
        {
          setid: 1,
          destination: "sip:127.0.0.1:5072",
          attrs: "duid=gw-b;weight=50",
          description: "demo gateway B",
        },
      ]);
      // match_op: 0 equal, 1 regex, 2 fnmatch. Lower pr is tried first.
      await tx.insert(dialplan).values([
        {
          dpid: 1,
          pr: 1,
          matchOp: 1,
          matchExp: "^00[1-9]",
          matchLen: 0,
          substExp: "^00(.*)$",
          replExp: "+\\1",
          attrs: "international",
        },
        {
          dpid: 1,
          pr: 2,
          matchOp: 1,
          matchExp: "^0[1-9][0-9]+$",
          matchLen: 0,
          substExp: "^0([1-9][0-9]+)$",
          replExp: "+44\\1",
          attrs: "national",
        },
        {
          dpid: 1,
          pr: 3,
          matchOp: 0,
          matchExp: "112",
          matchLen: 3,
          substExp: "",
          replExp: "emergency",
          attrs: "emergency",
        },
        {
          dpid: 1,
          pr: 4,
          matchOp: 2,
          matchExp: "10[0-9][0-9]",
          matchLen: 0,
          substExp: "",
          replExp: "",
          attrs: "internal",
        },
      ]);
      const member = (username: string, group: string) => ({
        username,
        domain: dom,
        grp: group,
        lastModified: stamp,
      });
      await tx
        .insert(grp)
        .values([
          ...DEMO_USERS.map((u) => member(u, "local")),
          ...DEMO_NAMED_USERS.map((u) => member(u, "ld")),
          ...["alice", "bob", "carol"].map((u) => member(u, "int")),
          ...["alice", "bob", "1001", "1002", "1003"].map((u) => member(u, "voicemail")),
        ]);
      await tx
        .insert(reGrp)
        .values({ regExp: `^sip:10[0-9][0-9]@${dom.replaceAll(".", "\\.")}$`, groupId: 1 });
      await tx.insert(address).values([
        { grp: 1, ipAddr: "127.0.0.1", mask: 32, port: 0, tag: "localhost" },
        { grp: 1, ipAddr: "192.0.2.0", mask: 24, port: 0, tag: "office-lan" },
        { grp: 2, ipAddr: "198.51.100.10", mask: 32, port: 5060, tag: "pstn-gw" },
      ]);
      await tx.insert(trusted).values({
        srcIp: "203.0.113.5",
        proto: "udp",
        fromPattern: "^sip:.*@carrier\\.example$",
        tag: "carrier-a",
        priority: 0,
      });
      await tx.insert(billingRates).values(RATES);

      const rnd = prng(0x5eed);
      const traffic = generateTraffic(rnd, dom, now);
      await insertChunked(tx, cdrs, traffic.cdrs);
      await insertChunked(tx, acc, traffic.acc);
      await insertChunked(tx, missedCalls, traffic.missed);
      await insertChunked(tx, accCdrs, traffic.accCdrs);
      await insertChunked(tx, statistics, generateStatistics(rnd, now));
      return { created: true };
    } finally {
      await tx.execute(sql`SELECT RELEASE_LOCK(CONCAT('switchboard_seed:', DATABASE()))`);
    }
  });
}
