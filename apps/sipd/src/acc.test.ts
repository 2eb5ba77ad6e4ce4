/**
 * Accounting of real calls (issue 5 acc/CDR): answered calls give acc INVITE + BYE rows and a rated
 * CDR, busy and cancelled calls give missed_calls rows only (kamailio.cfg flags: FLT_ACC on INVITE
 * and BYE, FLT_ACCFAILED on BYE, FLT_ACCMISSED on INVITE), and a 200-character Call-ID works end to end.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CallRunner, type Row, sipdWithCalls } from "./testing/calls.ts";
import { freeUdpTcpPort } from "./testing/harness.ts";

const PSTN_NUMBER = "+442071234567";

describe("acc, missed_calls and CDRs from sipp calls", () => {
  const s = sipdWithCalls({ features: { withPstn: true } });

  const byCallId = (table: "acc" | "missed_calls", prefix: string, min = 0) =>
    waitRows(s.r, table, "callid LIKE ? ORDER BY id", [`${prefix}%`], min);

  it("20 calls (8 answered through the PSTN gateway, 6 busy, 6 cancelled) give the right acc, missed_calls and rated cdrs rows", async () => {
    const gwPort = await freeUdpTcpPort();
    await s.r.rpc().callRaw("cfg.set", ["pstn", "gw_ip", "127.0.0.1"]);
    await s.r.rpc().callRaw("cfg.set", ["pstn", "gw_port", String(gwPort)]);

    const answered = await s.r.call({
      caller: "alice",
      callee: PSTN_NUMBER,
      uasPort: gwPort,
      calls: 8,
      callId: "acc-ok-%u@test",
      uac: { expect: 200 },
      uas: { final: 200 },
      durationMs: 1100,
    });
    assert.equal(answered.uac.successful, 8, answered.uac.output);
    const busy = await s.r.call({
      caller: "bob",
      callee: "carol",
      calls: 6,
      callId: "acc-busy-%u@test",
      uac: { expect: 486, ringing: true },
      uas: { final: 486 },
    });
    assert.equal(busy.uac.successful, 6, busy.uac.output);
    const cancelled = await s.r.call({
      caller: "carol",
      callee: "dave",
      calls: 6,
      callId: "acc-cancel-%u@test",
      uac: { expect: 487, cancel: true },
      uas: { final: 487, awaitCancel: true },
    });
    assert.equal(cancelled.uac.successful, 6, cancelled.uac.output);

    const ok = await byCallId("acc", "acc-ok-", 16);
    assert.equal(ok.filter((x) => x.method === "INVITE" && x.sip_code === "200").length, 8);
    assert.equal(ok.filter((x) => x.method === "BYE" && x.sip_code === "200").length, 8);
    assert.equal(ok.length, 16);
    for (const row of ok.filter((x) => x.method === "INVITE")) {
      assert.equal(row.src_user, "alice");
      assert.equal(row.src_domain, "switchboard.local");
      assert.equal(row.src_ip, "127.0.0.1");
      assert.equal(row.dst_ouser, PSTN_NUMBER);
      assert.equal(row.dst_user, PSTN_NUMBER);
      assert.notEqual(row.to_tag, "");
    }
    assert.deepEqual(await byCallId("missed_calls", "acc-ok-"), []);

    const missedBusy = await byCallId("missed_calls", "acc-busy-", 6);
    assert.deepEqual(
      missedBusy.map((x) => x.sip_code),
      Array(6).fill("486"),
    );
    const missedCancel = await byCallId("missed_calls", "acc-cancel-", 6);
    assert.deepEqual(
      missedCancel.map((x) => x.sip_code),
      Array(6).fill("487"),
    );
    // INVITEs carry FLT_ACC but not FLT_ACCFAILED: failed calls are not in acc.
    assert.deepEqual(await byCallId("acc", "acc-busy-"), []);
    assert.deepEqual(await byCallId("acc", "acc-cancel-"), []);

    // CDRs are generated after the BYE rows are written; rated with the longest prefix (+4420: 3 per minute).
    const cdrs = await waitRows(s.r, "cdrs", "sip_call_id LIKE ? ORDER BY cdr_id", ["acc-ok-%"], 8);
    assert.equal(cdrs.length, 8);
    for (const c of cdrs) {
      assert.equal(c.src_username, "alice");
      assert.equal(c.dst_username, PSTN_NUMBER);
      assert.ok(Number(c.duration) >= 1, `duration ${c.duration}`);
      assert.equal(Number(c.rated), 1);
      assert.equal(Number(c.cost), 3 * Math.ceil(Number(c.duration) / 60));
    }
    const failedCdrs = await s.r.rows(
      "cdrs",
      "sip_call_id LIKE ? OR sip_call_id LIKE ?",
      ["acc-busy-%", "acc-cancel-%"],
      0,
    );
    assert.deepEqual(failedCdrs, [], "no CDR for calls that were not answered");
  });

  it("a call with a 200-character Call-ID is accounted and gets its CDR", async () => {
    const callId = `${"c".repeat(193)}@long.t`;
    assert.equal(callId.length, 200);
    const res = await s.r.call({
      caller: "erin",
      callee: "frank",
      callId,
      uac: { expect: 200 },
      uas: { final: 200 },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    const acc = await waitRows(s.r, "acc", "callid = ? ORDER BY id", [callId], 2);
    assert.deepEqual(
      acc.map((x) => x.method),
      ["INVITE", "BYE"],
    );
    const cdrs = await waitRows(s.r, "cdrs", "sip_call_id = ?", [callId], 1);
    assert.equal(cdrs.length, 1);
    assert.equal(cdrs[0].src_username, "erin");
  });
});

/** Rows of a query once at least `min` are there (bounded wait: acc writes and CDR runs are asynchronous). */
async function waitRows(
  r: CallRunner,
  table: "acc" | "missed_calls" | "cdrs",
  where: string,
  args: unknown[],
  min: number,
): Promise<Row[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const rows = await r.rows(table, where, args, 0);
    if (rows.length >= min || Date.now() > until) return rows;
    await new Promise((res) => setTimeout(res, 100));
  }
}
