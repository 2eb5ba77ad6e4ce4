import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RpcRegistry } from "@switchboard/rpc";
import { HtableModule } from "../htable/module.ts";
import { floodCheck, scannerCheck } from "./antiflood.ts";
import { Pike } from "./pike.ts";
import { registerPikeRpc } from "./rpc.ts";

/** A clock starting at a window boundary (2 s units). */
function clock() {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const quiet = () => undefined;

describe("pike flood detection", () => {
  test("the 16th request within 2 s is refused, and only for that address", () => {
    const c = clock();
    const pike = new Pike({ now: c.now, log: quiet });
    for (let i = 1; i <= 15; i++) assert.equal(pike.checkIp("192.0.2.1"), 1, `request ${i}`);
    assert.equal(pike.checkIp("192.0.2.1"), -2, "first detection");
    assert.equal(pike.checkIp("192.0.2.1"), -1, "still flooding");
    assert.equal(pike.allow("198.51.100.9"), true, "other sources keep service");
    assert.equal(pike.blockedIps, 1);
  });

  test("steady traffic under the density is never refused", () => {
    const c = clock();
    const pike = new Pike({ now: c.now, log: quiet });
    for (let w = 0; w < 20; w++) {
      for (let i = 0; i < 10; i++) assert.equal(pike.allow("192.0.2.2"), true);
      c.advance(2000);
    }
  });

  test("hits of the previous window count: 15 + 15 across a boundary pass, the next one is refused", () => {
    const c = clock();
    const pike = new Pike({ now: c.now, log: quiet });
    c.advance(1900);
    for (let i = 0; i < 15; i++) assert.equal(pike.allow("192.0.2.3"), true);
    c.advance(200);
    for (let i = 0; i < 15; i++) assert.equal(pike.allow("192.0.2.3"), true);
    assert.equal(pike.checkIp("192.0.2.3"), -2);
  });

  test("an address is released once a whole window is calm, and forgotten after remove_latency", () => {
    const c = clock();
    const logs: string[] = [];
    const pike = new Pike({ now: c.now, log: (_l, m) => logs.push(m) });
    for (let i = 0; i < 20; i++) pike.checkIp("192.0.2.4");
    c.advance(2000);
    assert.equal(pike.checkIp("192.0.2.4"), -1, "the previous window is still hot");
    c.advance(2000);
    assert.equal(pike.checkIp("192.0.2.4"), 1, "a calm window releases it");
    assert.deepEqual(logs, ["PIKE - BLOCKing ip 192.0.2.4", "PIKE - UNBLOCKing ip 192.0.2.4"]);
    c.advance(3999);
    assert.equal(pike.sweep(), 0);
    c.advance(1);
    assert.equal(pike.sweep(), 1);
    assert.equal(pike.size, 0);
  });

  test("IPv4-mapped IPv6 counts as the IPv4 address; IPv6 works; garbage is never blocked", () => {
    const c = clock();
    const pike = new Pike({ params: { reqs_density_per_unit: 3 }, now: c.now, log: quiet });
    pike.checkIp("192.0.2.5");
    pike.checkIp("::ffff:192.0.2.5");
    assert.equal(pike.checkIp("192.0.2.5"), -2);
    pike.checkIp("2001:db8::1");
    pike.checkIp("2001:DB8:0::1");
    assert.equal(pike.checkIp("2001:db8::1"), -2);
    for (let i = 0; i < 5; i++) assert.equal(pike.checkIp("not-an-ip"), 1);
  });

  test("pike.top answers in Kamailio's shape, HOT by default", async () => {
    const c = clock();
    const pike = new Pike({ now: c.now, log: quiet });
    for (let i = 0; i < 20; i++) pike.checkIp("192.0.2.6");
    for (let i = 0; i < 5; i++) pike.checkIp("192.0.2.7");
    pike.checkIp("192.0.2.8");
    const r = new RpcRegistry();
    registerPikeRpc(r, pike);
    const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };
    const top = (p: unknown[]) => Promise.resolve().then(() => r.get("pike.top")?.handler(p, ctx));
    assert.deepEqual(await top([]), {
      max_hits: 16,
      list: [{ ip_addr: "192.0.2.6", leaf_hits_prev: 0, leaf_hits_curr: 20, expires: 4, status: "HOT" }],
      number_of_rows: 1,
    });
    const all = (await top(["ALL"])) as { list: { ip_addr: string; status: string }[] };
    assert.deepEqual(
      all.list.map((e) => [e.ip_addr, e.status]),
      [
        ["192.0.2.6", "HOT"],
        ["192.0.2.7", "WARM"],
        ["192.0.2.8", ""],
      ],
    );
    const warm = (await top(["WARM"])) as { number_of_rows: number };
    assert.equal(warm.number_of_rows, 1);
    await assert.rejects(top(["COLD"]), /Bad argument. Select: ALL, HOT or WARM/);
    assert.ok(r.get("pike.list"), "alias registered");
  });
});

describe("anti-flood decisions of route[REQINIT]", () => {
  const req = (ip: string, srcIsMyself = false) => ({
    srcIp: ip,
    srcPort: 5060,
    method: "INVITE",
    fromUri: "sip:x@example.org",
    srcIsMyself,
  });

  test("a flooding source is banned for 300 s in ipban and logged; others keep service", () => {
    const c = clock();
    const logs: string[] = [];
    const pike = new Pike({ now: c.now, log: quiet });
    const ipban = new HtableModule({ now: c.now }).table("ipban");
    assert.ok(ipban);
    const deps = { pike, ipban, log: (level: string, m: string) => logs.push(`${level}: ${m}`) };
    for (let i = 0; i < 15; i++) assert.equal(floodCheck(req("203.0.113.1"), deps).action, "continue");
    assert.deepEqual(floodCheck(req("203.0.113.1"), deps), { action: "drop", reason: "flood" });
    assert.deepEqual(logs, [
      "alert: ALERT: pike blocking INVITE from sip:x@example.org (IP:203.0.113.1:5060)",
    ]);
    assert.equal(ipban.get("203.0.113.1"), 1);
    assert.equal(ipban.expiresIn("203.0.113.1"), 300);
    assert.equal(floodCheck(req("198.51.100.1"), deps).action, "continue");

    // Banned: dropped without asking pike, even once pike has calmed down.
    c.advance(10_000);
    assert.deepEqual(floodCheck(req("203.0.113.1"), deps), { action: "drop", reason: "banned" });
    c.advance(290_000);
    assert.equal(floodCheck(req("203.0.113.1"), deps).action, "continue", "ban over after 300 s");
  });

  test("requests from our own addresses are not checked", () => {
    const c = clock();
    const pike = new Pike({ params: { reqs_density_per_unit: 1 }, now: c.now, log: quiet });
    const ipban = new HtableModule({ now: c.now }).table("ipban");
    assert.ok(ipban);
    for (let i = 0; i < 5; i++)
      assert.equal(floodCheck(req("127.0.0.1", true), { pike, ipban }).action, "continue");
  });

  test("scanner User-Agents are answered 200 OK and go no further", () => {
    assert.deepEqual(scannerCheck("friendly-scanner"), {
      action: "reply",
      code: 200,
      reason: "OK",
      why: "scanner",
    });
    assert.equal(scannerCheck("SIPVicious 0.3").action, "reply");
    assert.equal(scannerCheck("sipcli/v1.8").action, "reply");
    assert.equal(scannerCheck("Linphone/5.2 (belle-sip/5.2)").action, "continue");
    assert.equal(scannerCheck(undefined).action, "continue");
    assert.deepEqual(scannerCheck("friendly-scanner", { scanner_reply: 0 }), {
      action: "drop",
      reason: "scanner",
    });
  });
});
