/**
 * A 10 s database outage during a sipp call run (issue 5 acc test, issue 8 item 6). sipd reaches
 * MariaDB through a TCP relay (@switchboard/db/relay) that resets every connection while it is "down",
 * so the shared server keeps serving the other test files. During the outage calls keep routing from
 * memory (credentials cached, usrloc db_mode 2) and registrations keep being accepted; the acc writer
 * queues and retries. After the relay comes back every call sipp completed has its acc INVITE and BYE
 * rows and every registration made during the outage is in the location table.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DbRelay, startDbRelay } from "@switchboard/db/relay";
import { createTestDatabase } from "@switchboard/db/testing";
import {
  authRow,
  freeUdpTcpPort,
  registerFrom,
  runSipp,
  startSipp,
  startTestSipd,
  type TestSipd,
} from "./testing/harness.ts";
import { scenarioDir } from "./testing/scenarios.ts";
import { readSuccessLog, successLogArgs, successLogged } from "./testing/sipp-log.ts";
import { insertSubscribers } from "./testing/subscribers.ts";

const CALLS = 60;
const RATE = 4;
const OUTAGE_MS = 10_000;
const REGISTRANTS = Array.from({ length: 30 }, (_, i) => `o${100 + i}`);

const files = scenarioDir();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("a 10 s database outage during a sipp call run (usrloc db_mode 2)", () => {
  let relay: DbRelay;
  let t: TestSipd;
  before(async () => {
    const tdb = await createTestDatabase();
    await insertSubscribers(tdb.db, ["caller", "callee", ...REGISTRANTS]);
    relay = await startDbRelay(tdb.url);
    t = await startTestSipd({ usrloc: { dbMode: 2, timerInterval: 1 } }, { tdb, dbUrl: relay.url });
  });
  after(async () => {
    relay.restore();
    await t.stop();
    await relay.close();
    files.cleanup();
  });

  it("loses no acc row and no location write, and no call fails", async () => {
    const register = (port: number, log?: string) =>
      runSipp({
        scenario: log
          ? files.write("register-logged.xml", successLogged("register-auth.xml", "REG-OK [field0]"))
          : "register-auth.xml",
        port: t.port,
        inject: REGISTRANTS.map((u) => authRow(u)),
        calls: REGISTRANTS.length,
        rate: 10,
        localPort: port,
        args: log ? successLogArgs(log) : [],
      });
    // Before the outage: every registrant once (their credentials are now cached), and the callee's UAS.
    const first = await register(await freeUdpTcpPort());
    assert.equal(first.successful, REGISTRANTS.length, first.output);
    const uasPort = await freeUdpTcpPort();
    const callee = await registerFrom(t.port, "callee", uasPort);
    assert.equal(callee.successful, 1, callee.output);
    const uas = startSipp({
      scenario: "uas.xml",
      port: t.port,
      localPort: uasPort,
      calls: CALLS,
      timeoutSec: 60,
    });

    const callLog = files.write("calls.log", "");
    const calls = startSipp({
      scenario: files.write("call-logged.xml", successLogged("call-auth.xml", "CALL-OK [call_id]", "BYE")),
      port: t.port,
      inject: [authRow("caller", undefined, ["callee"])],
      calls: CALLS,
      rate: RATE,
      duration: 500,
      timeoutSec: 60,
      args: successLogArgs(callLog),
    });
    const completed = () => readSuccessLog(callLog, /CALL-OK (\S+) BYE$/);
    await waitFor("the first calls", () => completed().length >= 5);

    const acc = t.sipd.modules.db!.acc;
    relay.cut();
    const cutAt = Date.now();
    const rereg = files.write("reregistered.log", "");
    const regPort = await freeUdpTcpPort();
    const during = await register(regPort, rereg);
    await waitFor("acc rows queued during the outage", () => acc.counters.pending > 0);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    const pendingAtRestore = acc.counters.pending;
    const callsAtRestore = completed().length;
    relay.restore();

    const run = await calls.done;
    await uas.done;
    assert.equal(run.failed, 0, run.output);
    assert.equal(run.successful, CALLS, run.output);
    assert.equal(during.failed, 0, during.output);
    assert.equal(during.successful, REGISTRANTS.length, during.output);
    assert.ok(
      callsAtRestore > 5 && completed().length > callsAtRestore,
      "calls completed during and after the outage",
    );
    assert.ok(pendingAtRestore > 0 && acc.counters.retries > 0, "the acc writer saw the outage");

    assert.equal(await acc.flush(30_000), true, "acc queue written after the outage");
    await t.sipd.modules.ul.flush();

    const ids = completed();
    assert.equal(ids.length, CALLS);
    const [accRows] = await t.tdb.pool.query(
      "SELECT DISTINCT method, callid FROM acc WHERE sip_code = '200' AND method IN ('INVITE', 'BYE')",
    );
    const accounted = new Set(
      (accRows as { method: string; callid: string }[]).map((r) => `${r.method} ${r.callid}`),
    );
    // Delivery is at-least-once (a batch whose commit answer was cut is written again), so count distinct rows.
    assert.equal(accounted.size, 2 * run.successful, "one INVITE and one BYE row per call");
    assert.deepEqual(
      ids.flatMap((id) => ["INVITE", "BYE"].filter((m) => !accounted.has(`${m} ${id}`))),
      [],
    );

    const [locRows] = await t.tdb.pool.query("SELECT username FROM location WHERE contact LIKE ?", [
      `%@127.0.0.1:${regPort};%`,
    ]);
    const stored = new Set((locRows as { username: string }[]).map((r) => r.username));
    const reregistered = readSuccessLog(rereg, /REG-OK (\S+)/);
    assert.equal(reregistered.length, REGISTRANTS.length);
    assert.deepEqual(
      reregistered.filter((u) => !stored.has(u)),
      [],
      "registrations made during the outage are in the location table",
    );
  });
});
