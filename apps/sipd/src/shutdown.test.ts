/**
 * Graceful shutdown under load (issue 7 item 5, issue 8 item 7): sipd runs as its own process
 * (main.ts, as `npm run sipd` starts it) while sipp places calls and registers subscribers; a
 * SIGTERM arrives mid-run. sipd must answer what it has started, flush the acc queue and the
 * usrloc write-back cache, and exit 0. Every call whose BYE got its 200 then has its acc INVITE and
 * BYE rows, every REGISTER that got its 200 OK is in the location table, and a restarted sipd finds
 * each of them with ul.lookup (usrloc db_mode 2 write-back and 1 write-through).
 *
 * sipp logs each success with its Call-ID or username (testing/sipp-log.ts), so the checks are per
 * call and per registration, not only counts.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcFaultError } from "@switchboard/rpc";
import { authRow, freeUdpTcpPort, registerFrom, startSipp } from "./testing/harness.ts";
import { type SipdProcess, spawnSipd } from "./testing/process.ts";
import { scenarioDir } from "./testing/scenarios.ts";
import { readSuccessLog, successLogArgs, successLogged } from "./testing/sipp-log.ts";
import { insertSubscribers } from "./testing/subscribers.ts";

const REGISTRANTS = Array.from({ length: 400 }, (_, i) => `r${1000 + i}`);
const CALLS = 400;

const files = scenarioDir();
after(() => files.cleanup());

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lookupFound(p: SipdProcess, user: string): Promise<boolean> {
  try {
    const r = (await p.rpc().callRaw("ul.lookup", ["location", user])) as { Contacts?: unknown[] };
    return (r.Contacts?.length ?? 0) > 0;
  } catch (e) {
    if (e instanceof RpcFaultError && /AOR not found/.test(e.faultString)) return false;
    throw e;
  }
}

for (const dbMode of [2, 1] as const) {
  describe(`SIGTERM during a sipp call and registration run (usrloc db_mode ${dbMode})`, () => {
    let tdb: TestDatabase;
    const procs: SipdProcess[] = [];
    after(async () => {
      for (const p of procs) p.kill();
      await tdb?.drop();
    });

    it("loses no acc rows and no registrations, and a restarted sipd finds every registration", async () => {
      tdb = await createTestDatabase();
      await insertSubscribers(tdb.db, ["caller", "callee", ...REGISTRANTS]);
      const sipd = await spawnSipd({ databaseUrl: tdb.url, dbMode, drainMs: 5000 });
      procs.push(sipd);

      const uasPort = await freeUdpTcpPort();
      const reg = await registerFrom(sipd.port, "callee", uasPort);
      assert.equal(reg.successful, 1, reg.output);
      const uas = startSipp({ scenario: "uas.xml", port: sipd.port, localPort: uasPort, calls: CALLS });

      const callLog = files.write("calls.log", "");
      const regLog = files.write("registrations.log", "");
      // -recv_timeout: once sipd is gone, a call or registration waiting for an answer fails after 2 s.
      const calls = startSipp({
        scenario: files.write("call-logged.xml", successLogged("call-auth.xml", "CALL-OK [call_id]", "BYE")),
        port: sipd.port,
        inject: [authRow("caller", undefined, ["callee"])],
        calls: CALLS,
        rate: 20,
        duration: 500,
        args: [...successLogArgs(callLog), "-recv_timeout", "2000"],
      });
      const regs = startSipp({
        scenario: files.write("register-logged.xml", successLogged("register-auth.xml", "REG-OK [field0]")),
        port: sipd.port,
        inject: REGISTRANTS.map((u) => authRow(u)),
        calls: REGISTRANTS.length,
        rate: 40,
        args: [...successLogArgs(regLog), "-recv_timeout", "2000"],
      });
      const completedCalls = () => readSuccessLog(callLog, /CALL-OK (\S+) BYE$/);
      const registered = () => readSuccessLog(regLog, /REG-OK (\S+)/);

      // Mid-run: some calls finished and some registrations answered, more of both still to come.
      await waitFor(
        "the first calls and registrations",
        () => completedCalls().length >= 20 && registered().length >= 40,
      );
      const exit = await sipd.terminate();
      assert.deepEqual(exit, { code: 0, signal: null }, sipd.output());
      uas.kill();
      await Promise.all([calls.stop(), regs.stop(), uas.done]);

      const okCalls = completedCalls();
      const okRegs = registered();
      assert.ok(okCalls.length < CALLS && okRegs.length < REGISTRANTS.length, "the SIGTERM came mid-run");

      const [accRows] = await tdb.pool.query(
        "SELECT method, callid FROM acc WHERE sip_code = '200' AND method IN ('INVITE', 'BYE')",
      );
      const accounted = new Set(
        (accRows as { method: string; callid: string }[]).map((r) => `${r.method} ${r.callid}`),
      );
      const missingAcc = okCalls.flatMap((id) =>
        ["INVITE", "BYE"].filter((m) => !accounted.has(`${m} ${id}`)).map((m) => `${m} ${id}`),
      );
      assert.deepEqual(missingAcc, [], `acc rows of completed calls (${okCalls.length} calls)`);

      const [locRows] = await tdb.pool.query("SELECT username FROM location");
      const stored = new Set((locRows as { username: string }[]).map((r) => r.username));
      assert.deepEqual(
        okRegs.filter((u) => !stored.has(u)),
        [],
        `location rows of 200 OK'd registrations (${okRegs.length})`,
      );

      const again = await spawnSipd({ databaseUrl: tdb.url, dbMode });
      procs.push(again);
      const notFound: string[] = [];
      for (const u of okRegs) if (!(await lookupFound(again, u))) notFound.push(u);
      assert.deepEqual(notFound, [], "ul.lookup after the restart");
      assert.deepEqual(await again.terminate(), { code: 0, signal: null }, again.output());
    });
  });
}
