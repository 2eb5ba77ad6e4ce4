/**
 * Anti-flood (WITH_ANTIFLOOD, issue 5): pike bans an address that sends more than
 * reqs_density_per_unit (16) requests per sampling_time_unit (2 s) into the ipban htable, and
 * sipd drops its requests; another source address keeps being answered. sipd's own address is
 * exempt (kamailio.cfg: src_ip != myself), so the sipp peers bind 127.0.0.2 and 127.0.0.3.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { sipdWithCalls } from "./testing/calls.ts";
import { authRow, runSipp } from "./testing/harness.ts";
import { mustMatch, uacScenario } from "./testing/scenarios.ts";

describe("pike + htable ipban anti-flood", () => {
  const s = sipdWithCalls({}, { seed: false });
  let options: string;
  before(() => {
    options = s.r.scenario(
      "options.xml",
      uacScenario({
        method: "OPTIONS",
        auth: false,
        ruri: `sip:127.0.0.1:${s.t.port}`,
        expect: 200,
        finalChecks: mustMatch("SIP/2\\.0 200 Keepalive"),
      }),
    );
  });

  /** OPTIONS keepalives from `ip`; unanswered ones fail after 1 s (no retransmissions). */
  const keepalives = (ip: string, calls: number, rate: number) =>
    runSipp({
      scenario: options,
      port: s.t.port,
      localIp: ip,
      inject: [authRow("probe")],
      calls,
      rate,
      timeoutSec: 20,
      args: ["-nr", "-recv_timeout", "1000"],
    });

  it("a flood from one address is banned (ipban holds the IP) and logged while another address keeps getting answers", async () => {
    const logged: { event: string; ip?: unknown }[] = [];
    const log = s.t.sipd.log.log.bind(s.t.sipd.log);
    s.t.sipd.log.log = (level, event, fields = {}) => {
      logged.push({ event, ip: fields.ip });
      log(level, event, fields);
    };
    const [flood, other] = await Promise.all([
      keepalives("127.0.0.2", 150, 150),
      keepalives("127.0.0.3", 10, 4),
    ]);
    // The requests below the density pass, the rest are dropped unanswered.
    assert.ok(
      flood.successful > 0 && flood.successful <= 16,
      `only the first requests of the flood were answered: ${flood.successful}`,
    );
    assert.ok(flood.failed > 50, `the flood was cut off: ${flood.failed} unanswered`);
    assert.equal(other.failed, 0, other.output);
    assert.equal(other.successful, 10);

    assert.deepEqual(
      logged.filter((l) => l.event === "pike blocking"),
      [{ event: "pike blocking", ip: "127.0.0.2" }],
      "the ban is logged once, when it starts",
    );
    const ban = (await s.r.rpc().callRaw("htable.get", ["ipban", "127.0.0.2"])) as {
      item: { value: unknown };
    };
    assert.equal(Number(ban.item.value), 1);
    await assert.rejects(s.r.rpc().callRaw("htable.get", ["ipban", "127.0.0.3"]), /doesn't exist/);

    // Still banned after the flood; the other address is still served.
    const again = await keepalives("127.0.0.2", 2, 10);
    assert.equal(again.successful, 0);
    const still = await keepalives("127.0.0.3", 3, 10);
    assert.equal(still.successful, 3, still.output);
  });
});
