/**
 * `npm run reliability:restart`: SIGTERM sipd in the middle of a registration run, start it again
 * (issue 8 item 7), with usrloc db_mode 1 (write-through) and 2 (write-back). sipp logs every
 * REGISTER that got its 200 OK; after the restart each of those must be in the location table and
 * found by ul.lookup. Prints per mode: registrations answered, shutdown and restart times, rows and
 * lookups missing. Exit code 1 if any is missing or sipd did not exit 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RpcFaultError } from "@switchboard/rpc";
import { authRow, startSipp } from "../../apps/sipd/src/testing/harness.ts";
import { type SipdProcess, spawnSipd } from "../../apps/sipd/src/testing/process.ts";
import { readSuccessLog, successLogArgs, successLogged } from "../../apps/sipd/src/testing/sipp-log.ts";
import { numericOptions, runScript, scratchDatabase, sleep, table } from "./lib.ts";

const opts = numericOptions(
  "npm run reliability:restart -- [options]: SIGTERM sipd mid-registration run, restart, check every 200 OK'd registration",
  {
    registrations: 20_000,
    /** REGISTER transactions (401 + 200) per second. */
    rate: 500,
    /** SIGTERM once this share of the registrations got their 200 OK. */
    at: 0.5,
    /** SIPD_DRAIN_MS. */
    drain: 5000,
  },
);

/** ul.lookup of each user, `parallel` at a time; returns the users not found. */
async function notFound(p: SipdProcess, users: readonly string[], parallel = 16): Promise<string[]> {
  const missing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const u = users[next++];
      try {
        const r = (await p.rpc().callRaw("ul.lookup", ["location", u])) as { Contacts?: unknown[] };
        if (!r.Contacts?.length) missing.push(u);
      } catch (e) {
        if (e instanceof RpcFaultError && /AOR not found/.test(e.faultString)) missing.push(u);
        else throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return missing;
}

await runScript(async (cleanup) => {
  const dir = mkdtempSync(join(tmpdir(), "sb-restart-"));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  const users = Array.from({ length: opts.registrations }, (_, i) => `rs${100000 + i}`);
  const rows: (string | number)[][] = [];
  let ok = true;
  for (const dbMode of [1, 2] as const) {
    const tdb = await scratchDatabase(users);
    cleanup(() => tdb.drop());
    const sipd = await spawnSipd({ databaseUrl: tdb.url, dbMode, drainMs: opts.drain });
    cleanup(() => sipd.kill());
    const log = join(dir, `reg-${dbMode}.log`);
    const scenario = join(dir, "register-logged.xml");
    writeFileSync(scenario, successLogged("register-auth.xml", "REG-OK [field0]"));
    const run = startSipp({
      scenario,
      port: sipd.port,
      inject: users.map((u) => authRow(u)),
      calls: users.length,
      rate: opts.rate,
      timeoutSec: Math.ceil(users.length / opts.rate) + 60,
      args: [...successLogArgs(log), "-recv_timeout", "2000", "-l", String(Math.max(100, opts.rate * 2))],
    });
    const answered = () => readSuccessLog(log, /REG-OK (\S+)/);
    const until = Date.now() + (users.length / opts.rate) * 1000 + 60_000;
    while (answered().length < users.length * opts.at) {
      if (Date.now() > until)
        throw new Error(`db_mode ${dbMode}: only ${answered().length} registrations answered`);
      await sleep(20);
    }
    const beforeTerm = answered().length;
    const t0 = Date.now();
    const exit = await sipd.terminate();
    const shutdownMs = Date.now() - t0;
    const sipp = await run.stop();
    const okUsers = answered();

    const [locRows] = await tdb.pool.query("SELECT username FROM location");
    const stored = new Set((locRows as { username: string }[]).map((r) => r.username));
    const missingRows = okUsers.filter((u) => !stored.has(u));

    const t1 = Date.now();
    const again = await spawnSipd({ databaseUrl: tdb.url, dbMode });
    cleanup(() => again.kill());
    const restartMs = Date.now() - t1;
    const missingLookups = await notFound(again, okUsers);
    const exit2 = await again.terminate();

    const good =
      exit.code === 0 && exit2.code === 0 && missingRows.length === 0 && missingLookups.length === 0;
    ok &&= good;
    rows.push([
      dbMode,
      `${beforeTerm} / ${okUsers.length}`,
      sipp.failed,
      `${shutdownMs} ms, exit ${exit.code ?? exit.signal}`,
      stored.size,
      missingRows.length,
      `${restartMs} ms`,
      missingLookups.length,
      good ? "ok" : "FAILED",
    ]);
    console.log(
      `db_mode ${dbMode}: ${okUsers.length} registrations answered, ${missingRows.length} missing in location, ${missingLookups.length} not found after the restart`,
    );
    if (!good) console.log(sipd.output().slice(-3000));
  }
  console.log(
    `\n${opts.registrations} subscribers registering at ${opts.rate}/s; SIGTERM after ${opts.at * 100}% were answered\n`,
  );
  console.log(
    table(
      [
        "db_mode",
        "200 OK at SIGTERM / in all",
        "sipp failed",
        "shutdown",
        "location rows",
        "200 OK'd not in location",
        "restart until RPC answers",
        "200 OK'd not found by ul.lookup",
        "",
      ],
      rows,
    ),
  );
  if (!ok) process.exitCode = 1;
});
