/**
 * The dispatcher module through SIP: a routing script in the style of kamailio.cfg's dispatcher
 * example (ds_select_dst + t_relay, failover with ds_next_dst in a failure route) in front of three
 * sipp UAS destinations. Round-robin spread, OPTIONS probing of a stopped destination, failover
 * without failed calls, and dispatcher.reload after a table edit.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dispatcher } from "@switchboard/db";
import { createRpcClient } from "@switchboard/rpc";
import { eq } from "drizzle-orm";
import type { RoutingScript } from "./script/ksr.ts";
import {
  authRow,
  freeUdpTcpPort,
  runSipp,
  type SippProcess,
  startSipp,
  startTestSipd,
  type TestSipd,
} from "./testing/harness.ts";
import { scenarioDir, uacScenario, uasScenario } from "./testing/scenarios.ts";

/** kamailio.cfg's dispatcher example, reduced to what a load balancer in front of the UAS needs. */
const dispatchScript: RoutingScript = {
  async request_route(K) {
    if (K.maxfwd.process_maxfwd(10) < 0) {
      K.sl.send_reply(483, "Too Many Hops");
      return;
    }
    if (K.is_method("CANCEL")) {
      if (K.tm.t_check_trans()) await K.tm.t_relay();
      return;
    }
    if (K.has_totag()) {
      if (K.rr.loose_route()) await K.tm.t_relay();
      else if (!K.is_method("ACK")) K.sl.send_reply(404, "Not here");
      return;
    }
    if (!K.is_method("INVITE")) {
      K.sl.send_reply(405, "Method Not Allowed");
      return;
    }
    K.rr.record_route();
    // round-robin over set 1
    if (!K.dispatcher.ds_select_dst(1, 4)) {
      K.sl.send_reply(404, "No destination");
      return;
    }
    K.tm.t_on_failure("RTF_DISPATCH");
    if (!(await K.tm.t_relay())) K.sl.sl_reply_error();
  },
  failure_route: {
    // Next destination, only for a 500 or a local timeout (no reply from the destination).
    async RTF_DISPATCH(K, r) {
      if (K.tm.t_is_canceled()) return;
      if (r.status === 500 || (r.status === 408 && !r.reply)) {
        if (K.dispatcher.ds_next_dst()) {
          K.tm.t_on_failure("RTF_DISPATCH");
          await K.tm.t_relay();
        }
      }
    },
  },
};

interface DsList {
  RECORDS: { SET: { ID: number; TARGETS: { DEST: { URI: string; FLAGS: string } }[] } }[];
}

describe("dispatcher through SIP: three sipp UAS behind ds_select_dst", () => {
  let t: TestSipd;
  const files = scenarioDir();
  const ports: number[] = [];
  let uasFile: string;
  let uacFile: string;

  before(async () => {
    // fr_timer 1 s: a probe or a branch to a dead destination times out quickly.
    t = await startTestSipd({ tm: { frTimer: 1000 } }, { seed: false, script: dispatchScript });
    for (let i = 0; i < 3; i++) ports.push(await freeUdpTcpPort());
    await t.tdb.db
      .insert(dispatcher)
      .values(
        ports.map((p, i) => ({ setid: 1, destination: `sip:127.0.0.1:${p}`, description: `uas ${i}` })),
      );
    await rpc().callRaw("dispatcher.reload");
    uasFile = files.write("uas.xml", uasScenario({ final: 200, ringing: false, inviteTimeoutMs: 1500 }));
    uacFile = files.write("uac.xml", uacScenario({ auth: false, expect: 200 }));
  });
  after(async () => {
    await t.stop();
    files.cleanup();
  });

  const rpc = () => createRpcClient({ url: t.rpcUrl, protocol: "jsonrpc" });

  /**
   * The UAS destinations answer calls and (-aa) the dispatcher's OPTIONS probes; a probe's "call"
   * fails after 1.5 s without INVITE, so only real calls count as successful.
   */
  function startUas(which: number[]): Map<number, SippProcess> {
    return new Map(
      which.map((i) => [
        i,
        startSipp({
          scenario: uasFile,
          port: t.port,
          localPort: ports[i],
          calls: 100_000,
          timeoutSec: 60,
          args: ["-aa"],
        }),
      ]),
    );
  }

  async function calls(n: number): Promise<void> {
    const r = await runSipp({
      scenario: uacFile,
      port: t.port,
      inject: [authRow("caller", undefined, ["service"])],
      calls: n,
      rate: 100,
      timeoutSec: 30,
      args: ["-l", "50"],
    });
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.successful, n, r.output);
  }

  /** Stops the UAS processes (soft exit) and returns the calls each one answered. */
  async function answered(uas: Map<number, SippProcess>): Promise<number[]> {
    const out = [0, 0, 0];
    for (const [i, p] of uas) out[i] = (await p.stop()).successful;
    return out;
  }

  async function flags(): Promise<Record<string, string>> {
    const list = (await rpc().callRaw("dispatcher.list")) as DsList;
    const set = list.RECORDS.find((r) => r.SET.ID === 1);
    return Object.fromEntries((set?.SET.TARGETS ?? []).map((x) => [x.DEST.URI, x.DEST.FLAGS]));
  }

  it("round-robin (algorithm 4) spreads 300 calls evenly over three destinations", async () => {
    const uas = startUas([0, 1, 2]);
    await calls(300);
    assert.deepEqual(await answered(uas), [100, 100, 100]);
  });

  it("dispatcher.reload after a table edit takes effect for the next call", async () => {
    const uas = startUas([0, 1, 2]);
    await t.tdb.db.delete(dispatcher).where(eq(dispatcher.destination, `sip:127.0.0.1:${ports[1]}`));
    await calls(3); // not reloaded yet: still one call each
    await rpc().callRaw("dispatcher.reload");
    await calls(20); // reloaded: destination 1 is gone
    assert.deepEqual(await answered(uas), [11, 1, 11]);
    await t.tdb.db
      .insert(dispatcher)
      .values({ setid: 1, destination: `sip:127.0.0.1:${ports[1]}`, description: "uas 1" });
    await rpc().callRaw("dispatcher.reload");
  });

  it("a destination that stops: calls fail over with 0 failed calls, probing marks it inactive, later calls skip it", async () => {
    const uas = startUas([0, 1, 2]);
    const dead = `sip:127.0.0.1:${ports[1]}`;
    await waitFor(async () => Object.values(await flags()).every((f) => f.startsWith("A")), "all active");
    uas.get(1)?.kill();
    await uas.get(1)?.done;
    uas.delete(1);
    // A third of these try the stopped destination first, time out (fr_timer) and fail over:
    // 30 INVITE and 30 BYE branches, plus one more INVITE branch per failover.
    const branches = t.sipd.tm.counters.UAC_transactions;
    await calls(30);
    const failovers = t.sipd.tm.counters.UAC_transactions - branches - 60;
    assert.ok(failovers >= 5, `calls failed over from the stopped destination: ${failovers}`);
    // Within ds_ping_interval (1 s) * ds_probing_threshold (3), plus the probe's own timeout.
    await waitFor(
      async () => (await flags())[dead] === "IP",
      "the stopped destination is inactive and probing",
    );
    await calls(30);
    const got = await answered(uas);
    assert.equal(got[0] + got[2], 60);
    assert.ok(got[0] >= 25 && got[2] >= 25, `both live destinations take calls: ${got}`);
  });
});

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
