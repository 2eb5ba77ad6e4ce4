/**
 * Table modules seen through SIP (issue 5): dialplan (RPC translation = routing), permissions
 * (WITH_IPAUTH), alias_db and speeddial (reaching the registered target), group ACLs on the PSTN
 * route with pstn.gw_ip set at runtime over cfg.set.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { address, speedDial } from "@switchboard/db";
import { eq } from "drizzle-orm";
import type { RoutingScript } from "./script/ksr.ts";
import { sipdWithCalls } from "./testing/calls.ts";
import { authRow, DOMAIN, freeUdpTcpPort } from "./testing/harness.ts";
import { mustMatch } from "./testing/scenarios.ts";

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** dp_translate(1) on the R-URI user, answered with what routing would use: the new R-URI and attrs. */
const dialplanScript: RoutingScript = {
  async request_route(K) {
    if (!K.is_method("OPTIONS") || K.pv.rU === null) {
      K.sl.send_reply(405, "Method Not Allowed");
      return;
    }
    if (!K.dialplan.dp_translate(1)) {
      K.sl.send_reply(404, "No translation");
      return;
    }
    K.sl.send_reply(200, "Translated", [
      ["X-Dp-Ruri", K.pv.ru],
      ["X-Dp-Attrs", String(K.pv.vars.get("dp_attrs") ?? "")],
    ]);
  },
};

describe("dialplan: dialplan.translate over RPC agrees with dp_translate in routing", () => {
  const s = sipdWithCalls({}, { script: dialplanScript });

  // The seeded dialplan 1: 00 -> + (regex with a back-reference), national 0... -> +44...,
  // 112 (equal) -> emergency, 10xx (fnmatch, no replacement: empty Output, the R-URI is kept).
  const table: [input: string, output: string | null, routed: string, attrs: string][] = [
    ["0044123456", "+44123456", "+44123456", "international"],
    ["02071234567", "+442071234567", "+442071234567", "national"],
    ["112", "emergency", "emergency", "emergency"],
    ["1005", "", "1005", "internal"],
    ["999", null, "", ""],
  ];
  for (const [input, output, routed, attrs] of table) {
    it(`${input} -> ${output === null ? "no translation" : routed}`, async () => {
      const rpc = await s.r
        .rpc()
        .callRaw("dialplan.translate", [1, input])
        .catch((e: Error) => e);
      if (output === null) assert.match(String(rpc), /No translation/);
      else assert.deepEqual(rpc, { Output: output, Attributes: attrs });
      const res = await s.r.call({
        caller: "alice",
        callee: input,
        uac: {
          method: "OPTIONS",
          auth: false,
          ruri: `sip:${input}@127.0.0.1:${s.t.port}`,
          expect: output === null ? 404 : 200,
          finalChecks:
            output === null
              ? ""
              : mustMatch(`X-Dp-Ruri: sip:${reEscape(routed)}@127\\.0\\.0\\.1:${s.t.port}[[:cntrl:]]`) +
                mustMatch(`X-Dp-Attrs: ${attrs}[[:cntrl:]]`),
        },
      });
      assert.equal(res.uac.successful, 1, res.uac.output);
    });
  }
});

describe("alias_db, speeddial and group ACLs with the default script (WITH_PSTN)", () => {
  const s = sipdWithCalls({ features: { withPstn: true } });

  it("a call to an alias (201 = alice) reaches alice's registered UA", async () => {
    const res = await s.r.call({
      caller: "bob",
      callee: "201",
      registerAs: "alice",
      callId: "alias-call@test",
      uac: { expect: 200, ringing: true },
      uas: { final: 200, inviteChecks: mustMatch("^INVITE sip:alice@127\\.0\\.0\\.1:") },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
    const acc = await s.r.rows("acc", "callid = ? AND method = 'INVITE'", ["alias-call@test"]);
    assert.equal(acc[0]?.dst_ouser, "201", "dst_ouser keeps what was dialled");
  });

  it("a 2-digit speed dial code (alice's 42 = carol) reaches carol's registered UA", async () => {
    await s.t.tdb.db.insert(speedDial).values({
      username: "alice",
      domain: DOMAIN,
      sdUsername: "42",
      sdDomain: DOMAIN,
      newUri: `sip:carol@${DOMAIN}`,
      description: "test key",
    });
    await s.r.rpc().callRaw("speeddial.reload");
    const res = await s.r.call({
      caller: "alice",
      callee: "42",
      registerAs: "carol",
      uac: { expect: 200 },
      uas: { final: 200, inviteChecks: mustMatch("^INVITE sip:carol@127\\.0\\.0\\.1:") },
    });
    assert.equal(res.uac.successful, 1, res.uac.output);
    assert.equal(res.uas?.successful, 1, res.uas?.output);
  });

  it("PSTN numbers: a user not in group ld gets 403, a user in ld reaches the gateway set by cfg.set", async () => {
    const gwPort = await freeUdpTcpPort();
    await s.r.rpc().callRaw("cfg.set", ["pstn", "gw_ip", "127.0.0.1"]);
    await s.r.rpc().callRaw("cfg.set", ["pstn", "gw_port", String(gwPort)]);
    const denied = await s.r.call({
      caller: "1001",
      callee: "+442071234567",
      uac: { expect: 403, finalChecks: mustMatch("SIP/2\\.0 403 Not Allowed") },
    });
    assert.equal(denied.uac.successful, 1, denied.uac.output);
    const allowed = await s.r.call({
      caller: "alice",
      callee: "+442071234567",
      uasPort: gwPort,
      uac: { expect: 200 },
      uas: { final: 200, inviteChecks: mustMatch(`^INVITE sip:\\+442071234567@127\\.0\\.0\\.1:${gwPort} `) },
    });
    assert.equal(allowed.uac.successful, 1, allowed.uac.output);
    assert.equal(allowed.uas?.successful, 1, allowed.uas?.output);
  });
});

describe("permissions: WITH_IPAUTH", () => {
  const s = sipdWithCalls({ features: { withIpAuth: true } });

  it("an INVITE from an allowed address (127.0.0.1 in group 1) skips digest auth; removed and reloaded, it gets 407", async () => {
    // No credentials: straight to the location lookup (nobody registered as dave: 404).
    const trusted = await s.r.call({
      caller: "alice",
      callee: "dave",
      uac: { auth: false, expect: 404 },
    });
    assert.equal(trusted.uac.successful, 1, trusted.uac.output);
    await s.t.tdb.db.delete(address).where(eq(address.ipAddr, "127.0.0.1"));
    await s.r.rpc().callRaw("permissions.addressReload");
    const challenged = await s.r.call({
      caller: "alice",
      callee: "dave",
      inject: [authRow("alice", undefined, ["dave"])],
      uac: { auth: false, expect: 407 },
    });
    assert.equal(challenged.uac.successful, 1, challenged.uac.output);
  });
});
