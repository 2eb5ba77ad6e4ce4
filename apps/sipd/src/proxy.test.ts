/**
 * The stateful proxy of the default script with real sipp callers and callees over loopback:
 * Record-Route on in-dialog requests, error replies of the script (404, 403, 483, 200 Keepalive),
 * CANCEL, busy, fr_inv_timer and retransmission absorption.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CallRunner, sipdWithCalls } from "./testing/calls.ts";
import { mustMatch } from "./testing/scenarios.ts";

describe("sipd stateful proxy with sipp callers and callees", () => {
  const s = sipdWithCalls({ tm: { frInvTimer: 2000 } });

  const call = (o: Parameters<CallRunner["call"]>[0]) =>
    s.r.call({ ...o, args: o.uac.retransmit ? ["-nr"] : [] });
  const rows = (table: "acc" | "missed_calls", callid: string) =>
    s.r.rows(table, "callid = ? ORDER BY id", [callid]);
  const stat = (name: string) => s.r.stat(name);

  it("a full call INVITE/100/180/200/ACK/BYE between two registered UAs keeps sipd in the path (Record-Route honoured on the BYE)", async () => {
    const callId = "proxy-full-call@test";
    const res = await call({
      caller: "alice",
      callee: "bob",
      callId,
      uac: {
        expect: 200,
        ringing: true,
        finalChecks: mustMatch("^[[:space:]]*<sip:127\\.0\\.0\\.1:[0-9]+;lr>", { header: "Record-Route:" }),
      },
      uas: {
        final: 200,
        byeChecks: mustMatch(`^[[:space:]]*SIP/2\\.0/UDP 127\\.0\\.0\\.1:${s.t.port};`, { header: "Via:" }),
      },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    const bye = await rows("acc", callId);
    assert.deepEqual(
      bye.map((x) => [x.method, x.sip_code]),
      [
        ["INVITE", "200"],
        ["BYE", "200"],
      ],
    );
    assert.equal(bye[0].src_user, "alice");
    assert.equal(bye[0].dst_user, "bob");
  });

  it("a call to a user with no registered contact gets 404 Not Found", async () => {
    const res = await call({
      caller: "alice",
      callee: "nobody",
      callId: "proxy-404@test",
      uac: { expect: 404, finalChecks: mustMatch("SIP/2\\.0 404 Not Found") },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
  });

  it("foreign-to-foreign (From and R-URI in foreign domains) gets 403 Not relaying", async () => {
    const res = await call({
      caller: "mallory",
      callee: "x",
      callId: "proxy-403@test",
      uac: {
        auth: false,
        from: "sip:mallory@foreign.example",
        ruri: "sip:victim@other.example",
        expect: 403,
        finalChecks: mustMatch("SIP/2\\.0 403 Not relaying"),
      },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
  });

  it("a request with Max-Forwards: 0 gets 483 Too Many Hops", async () => {
    const res = await call({
      caller: "alice",
      callee: "bob",
      callId: "proxy-483@test",
      uac: {
        auth: false,
        expect: 483,
        headers: ["Max-Forwards: 0"],
        finalChecks: mustMatch("SIP/2\\.0 483 "),
      },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
  });

  it("OPTIONS to the server itself (no user part) gets 200 Keepalive", async () => {
    const res = await call({
      caller: "alice",
      callee: "x",
      callId: "proxy-options@test",
      uac: {
        method: "OPTIONS",
        auth: false,
        ruri: `sip:127.0.0.1:${s.t.port}`,
        expect: 200,
        finalChecks: mustMatch("SIP/2\\.0 200 Keepalive"),
      },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
  });

  it("CANCEL of a ringing INVITE gives 487 to the caller and a CANCEL to the callee", async () => {
    const res = await call({
      caller: "alice",
      callee: "carol",
      callId: "proxy-cancel@test",
      uac: { expect: 487, cancel: true },
      uas: { final: 487, awaitCancel: true },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    const missed = await rows("missed_calls", "proxy-cancel@test");
    assert.deepEqual(
      missed.map((x) => x.sip_code),
      ["487"],
    );
  });

  it("a busy callee (486) gives 486 to the caller and a missed_calls row", async () => {
    const callId = "proxy-busy@test";
    const res = await call({
      caller: "bob",
      callee: "dave",
      callId,
      uac: { expect: 486, ringing: true },
      uas: { final: 486 },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    const missed = await rows("missed_calls", callId);
    assert.equal(missed.length, 1);
    assert.equal(missed[0].sip_code, "486");
    assert.equal(missed[0].src_user, "bob");
    assert.equal(missed[0].dst_ouser, "dave");
  });

  it("fr_inv_timer: a callee that rings forever is CANCELed and the caller gets 408", async () => {
    const res = await call({
      caller: "carol",
      callee: "erin",
      callId: "proxy-frinv@test",
      uac: { expect: 408, ringing: true },
      uas: { final: 487, awaitCancel: true },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
  });

  it("a retransmitted INVITE is absorbed by the server transaction (one branch to the callee)", async () => {
    const before = {
      invites: await stat("core:rcv_requests_invite"),
      uac: await stat("tmx:UAC_transactions"),
      uas: await stat("tmx:UAS_transactions"),
    };
    const res = await call({
      caller: "dave",
      callee: "frank",
      callId: "proxy-retrans@test",
      uac: { expect: 200, retransmit: true },
      uas: { final: 200, answerDelayMs: 500 },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    // INVITE (407), INVITE with credentials, its retransmission: three received, one relayed
    // INVITE transaction (+ one for the BYE).
    assert.equal((await stat("core:rcv_requests_invite")) - before.invites, 3);
    assert.equal((await stat("tmx:UAS_transactions")) - before.uas, 2);
    assert.equal((await stat("tmx:UAC_transactions")) - before.uac, 2);
  });
});
