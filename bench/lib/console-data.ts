/**
 * A carrier-sized console database for bench:console, generated deterministically (fixed PRNG seed)
 * over the `days` days before `end`:
 * - `n` subscribers (benchUser names, see data.ts);
 * - `n` answered calls as acc INVITE + BYE pairs not yet turned into CDRs (cdr_id 0), plus one
 *   failed INVITE in missed_calls for every ten calls;
 * - `n` CDRs of other (earlier-processed) calls in the same period;
 * - one `statistics` sample every 300 s.
 */
import { toSqlDateTime } from "@switchboard/db";
import { mulberry32 } from "@switchboard/db/prng";
import type { Pool } from "mysql2/promise";
import { DOMAIN } from "../../apps/sipd/src/testing/harness.ts";
import { benchUser, bulkInsert, insertSubscribers } from "./data.ts";

export interface ConsoleDataPlan {
  /** Subscribers, acc pairs and CDRs each. */
  n: number;
  days: number;
  end: Date;
}

const FAILURES = [
  ["486", "Busy Here"],
  ["480", "Temporarily Unavailable"],
  ["487", "Request Terminated"],
  ["404", "Not Found"],
] as const;

interface Call {
  caller: string;
  callee: string;
  start: Date;
  seconds: number;
  callid: string;
  fromTag: string;
  toTag: string;
  ip: string;
}

/** The i-th call of a stream: start times rise evenly over the period, with jitter. */
function makeCall(rnd: () => number, i: number, n: number, plan: ConsoleDataPlan, tag: string): Call {
  const spanMs = plan.days * 86_400_000;
  const startMs = plan.end.getTime() - spanMs + ((i + rnd()) / n) * spanMs;
  const hex = () => Math.floor(rnd() * 0xffffffff).toString(16);
  // Mostly short calls, some long ones, as call-duration distributions usually look.
  const seconds = Math.max(1, Math.round(-Math.log(1 - rnd()) * 120));
  const caller = benchUser(Math.floor(rnd() * plan.n));
  return {
    caller,
    callee: rnd() < 0.8 ? benchUser(Math.floor(rnd() * plan.n)) : `+4930${Math.floor(rnd() * 9e6 + 1e6)}`,
    start: new Date(startMs),
    seconds,
    callid: `${tag}${i}-${hex()}${hex()}@10.${i % 250}.${(i >> 8) % 250}.1`,
    fromTag: hex(),
    toTag: hex(),
    ip: `10.${i % 250}.${(i >> 8) % 250}.1`,
  };
}

const ACC_COLUMNS = [
  "method",
  "from_tag",
  "to_tag",
  "callid",
  "sip_code",
  "sip_reason",
  "time",
  "src_user",
  "src_domain",
  "src_ip",
  "dst_ouser",
  "dst_user",
  "dst_domain",
] as const;

export interface LoadReport {
  table: string;
  rows: number;
  seconds: number;
}

async function timed(table: string, fn: () => Promise<number>): Promise<LoadReport> {
  const t0 = performance.now();
  const rows = await fn();
  return { table, rows, seconds: (performance.now() - t0) / 1000 };
}

/** Loads everything; returns rows and seconds per table. */
export async function loadConsoleData(
  pool: Pool,
  plan: ConsoleDataPlan,
  log: (l: string) => void,
): Promise<LoadReport[]> {
  const out: LoadReport[] = [];
  const step = (r: LoadReport) => {
    out.push(r);
    log(`  ${r.table}: ${r.rows.toLocaleString("en-US")} rows in ${r.seconds.toFixed(1)} s`);
  };
  step(await timed("subscriber", () => insertSubscribers(pool, plan.n)));

  // acc: the INVITE (200 OK) at the start and the BYE at the end of each call.
  const accRnd = mulberry32(1);
  let pending: Call | undefined;
  step(
    await timed("acc", () =>
      bulkInsert(pool, "acc", ACC_COLUMNS, plan.n * 2, (row) => {
        const bye = row % 2 === 1;
        if (!bye) pending = makeCall(accRnd, row / 2, plan.n, plan, "a");
        const c = pending!;
        const t = bye ? new Date(c.start.getTime() + c.seconds * 1000) : c.start;
        return [
          bye ? "BYE" : "INVITE",
          c.fromTag,
          c.toTag,
          c.callid,
          "200",
          "OK",
          toSqlDateTime(t),
          c.caller,
          DOMAIN,
          c.ip,
          c.callee,
          c.callee,
          DOMAIN,
        ];
      }),
    ),
  );

  const missRnd = mulberry32(2);
  const missed = Math.floor(plan.n / 10);
  step(
    await timed("missed_calls", () =>
      bulkInsert(pool, "missed_calls", ACC_COLUMNS, missed, (i) => {
        const c = makeCall(missRnd, i, missed, plan, "m");
        const [code, reason] = FAILURES[i % FAILURES.length];
        return [
          "INVITE",
          c.fromTag,
          "",
          c.callid,
          code,
          reason,
          toSqlDateTime(c.start),
          c.caller,
          DOMAIN,
          c.ip,
          c.callee,
          c.callee,
          DOMAIN,
        ];
      }),
    ),
  );

  const cdrRnd = mulberry32(3);
  const created = toSqlDateTime(plan.end);
  step(
    await timed("cdrs", () =>
      bulkInsert(
        pool,
        "cdrs",
        [
          "src_username",
          "src_domain",
          "dst_username",
          "dst_domain",
          "dst_ousername",
          "call_start_time",
          "duration",
          "sip_call_id",
          "sip_from_tag",
          "sip_to_tag",
          "src_ip",
          "cost",
          "rated",
          "created",
        ],
        plan.n,
        (i) => {
          const c = makeCall(cdrRnd, i, plan.n, plan, "c");
          return [
            c.caller,
            DOMAIN,
            c.callee,
            DOMAIN,
            c.callee,
            toSqlDateTime(c.start),
            c.seconds,
            c.callid,
            c.fromTag,
            c.toTag,
            c.ip,
            0,
            0,
            created,
          ];
        },
      ),
    ),
  );

  // statistics: what sipd's statistics module samples every 300 s.
  const samples = Math.floor((plan.days * 86_400) / 300);
  const statRnd = mulberry32(4);
  const endUnix = Math.floor(plan.end.getTime() / 1000);
  step(
    await timed("statistics", () =>
      bulkInsert(
        pool,
        "statistics",
        [
          "time_stamp",
          "shm_used_size",
          "shm_real_used_size",
          "shm_max_used_size",
          "shm_free_used_size",
          "ul_users",
          "ul_contacts",
          "tm_active",
          "rcv_req_diff",
          "fwd_req_diff",
          "2xx_trans_diff",
        ],
        samples,
        (i) => {
          const used = 40e6 + Math.floor(statRnd() * 10e6);
          const users = Math.floor(plan.n * (0.5 + 0.1 * statRnd()));
          const reqs = Math.floor(statRnd() * 300 * 50);
          return [
            endUnix - (samples - i) * 300,
            used,
            used + 2e6,
            60e6,
            200e6,
            users,
            users,
            Math.floor(statRnd() * 200),
            reqs,
            Math.floor(reqs * 0.6),
            Math.floor(reqs * 0.4),
          ];
        },
      ),
    ),
  );
  return out;
}
