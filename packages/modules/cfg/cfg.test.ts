import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "@switchboard/config";
import { RpcRegistry } from "@switchboard/rpc";
import { CFG_DEFS, cfgInitialValues, createCfgStore, debugToLogLevel, logLevelToDebug } from "./defaults.ts";
import { isPstnNumber, manageFailure, pstnRoute, voicemailUri } from "./routing.ts";
import { registerCfgRpc } from "./rpc.ts";
import { CfgError, CfgStore } from "./store.ts";

describe("cfg store", () => {
  test("defaults are Kamailio's and the default kamailio.cfg's", () => {
    const s = createCfgStore();
    assert.equal(s.get("pstn", "gw_ip"), "");
    assert.equal(s.get("voicemail", "srv_port"), "5060");
    assert.equal(s.get("tm", "fr_timer"), 30_000);
    assert.equal(s.get("tm", "fr_inv_timer"), 120_000);
    assert.equal(s.get("registrar", "max_expires"), 3600);
    assert.equal(s.get("core", "debug"), 2);
  });

  test("start values come from the config file", () => {
    const config = parseConfig({
      pstn: { gwIp: "10.0.0.9", gwPort: "5080" },
      log: { level: "debug" },
      registrar: { minExpires: 5000, maxExpires: 0 },
    });
    const s = createCfgStore(config);
    assert.equal(s.get("pstn", "gw_ip"), "10.0.0.9");
    assert.equal(s.get("pstn", "gw_port"), "5080");
    assert.equal(s.get("core", "debug"), 3);
    assert.equal(s.get("voicemail", "srv_port"), "5060", "empty port in the file: Kamailio's default");
    assert.equal(s.get("registrar", "min_expires"), 5000, "max_expires 0 disables the check");
    assert.throws(
      () => new CfgStore(CFG_DEFS, { ...cfgInitialValues(config), "registrar.max_expires": 100 }),
      /min_expires \(5000\) must not exceed max_expires \(100\)/,
    );
  });

  test("set validates type, bounds and format, and converts like cfg_set_now", () => {
    const s = createCfgStore();
    s.set("pstn", "gw_ip", "192.0.2.20");
    s.set("pstn", "gw_port", 5060);
    assert.equal(s.get("pstn", "gw_port"), "5060", "int to a string variable");
    s.set("tm", "fr_timer", "5000");
    assert.equal(s.get("tm", "fr_timer"), 5000, "numeric string to an int variable");
    s.set("pstn", "gw_ip", "[2001:db8::1]");
    s.set("pstn", "gw_ip", "gw.example.org");
    const refused: [string, string, string | number, RegExp][] = [
      ["tm", "fr_timer", "soon", /an integer is expected/],
      ["tm", "fr_timer", 50, /must be >= 100/],
      ["tm", "fr_timer", 1.5, /an integer is expected/],
      ["pstn", "gw_port", "70000", /port 1-65535/],
      ["pstn", "gw_ip", "10.0.0.1;transport=tcp", /host name/],
      ["pstn", "gw_ip", "2001:db8::1", /IPv6 address in brackets/],
      ["registrar", "min_expires", 4000, /must not exceed max_expires \(3600\)/],
      ["nosuch", "var", 1, /unknown variable nosuch.var/],
    ];
    for (const [g, n, v, re] of refused)
      assert.throws(
        () => s.set(g, n, v),
        (e: unknown) => e instanceof CfgError && re.test(e.message),
      );
    assert.equal(s.get("pstn", "gw_ip"), "gw.example.org", "a refused value changes nothing");
  });

  test("listeners hear changes of a variable, of its group and of everything", () => {
    const s = createCfgStore();
    const heard: string[] = [];
    const off = s.onChange("core.debug", (c) =>
      heard.push(`var ${c.old}->${c.value} ${debugToLogLevel(Number(c.value))}`),
    );
    s.onChange("pstn", (c) => heard.push(`group ${c.name}=${c.value}`));
    s.onChange("*", (c) => heard.push(`all ${c.group}.${c.name}`));
    s.set("core", "debug", 3);
    s.set("core", "debug", 3); // unchanged: no event
    s.set("pstn", "gw_ip", "10.1.1.1");
    off();
    s.set("core", "debug", -1);
    assert.deepEqual(heard, [
      "var 2->3 debug",
      "all core.debug",
      "group gw_ip=10.1.1.1",
      "all pstn.gw_ip",
      "all core.debug",
    ]);
    s.reset("pstn");
    assert.equal(s.get("pstn", "gw_ip"), "");
  });

  test("log level names map to Kamailio debug levels and back", () => {
    assert.equal(logLevelToDebug("info"), 2);
    assert.equal(logLevelToDebug("error"), -1);
    assert.equal(debugToLogLevel(-5), "error");
    assert.equal(debugToLogLevel(4), "debug");
    assert.equal(debugToLogLevel(0), "warn");
  });
});

describe("cfg RPC", () => {
  const setup = () => {
    const store = createCfgStore();
    const r = new RpcRegistry();
    registerCfgRpc(r, store);
    const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };
    const call = (name: string, params: unknown[] = []) =>
      Promise.resolve().then(() => {
        const def = r.get(name);
        if (!def) throw new Error(`no ${name}`);
        return def.handler(params, ctx);
      });
    return { store, call };
  };

  test("cfg.set and its aliases change values at runtime; cfg.get reads them", async () => {
    const { store, call } = setup();
    assert.equal(await call("cfg.set", ["pstn", "gw_ip", "192.0.2.30"]), undefined);
    assert.equal(await call("cfg.get", ["pstn", "gw_ip"]), "192.0.2.30");
    await call("cfg.set_now_int", ["tm", "fr_timer", 7000]);
    await call("cfg.seti", ["tm", "fr_inv_timer", "90000"]);
    await call("cfg.sets", ["pstn", "gw_port", "5070"]);
    await call("cfg.set_now_string", ["voicemail", "srv_ip", "192.0.2.40"]);
    assert.equal(store.get("tm", "fr_timer"), 7000);
    assert.equal(store.get("tm", "fr_inv_timer"), 90000);
    assert.deepEqual(await call("cfg.get", ["pstn"]), { gw_ip: "192.0.2.30", gw_port: "5070" });
    assert.equal(await call("cfg.get", ["voicemail", "srv_ip"]), "192.0.2.40");
  });

  test("faults keep Kamailio's texts", async () => {
    const { call } = setup();
    await assert.rejects(
      call("cfg.set", ["tm", "fr_timer", "soon"]),
      /^RpcError: Failed to set the variable: tm.fr_timer: an integer is expected/,
    );
    await assert.rejects(
      call("cfg.seti", ["pstn", "gw_port", "abc"]),
      /Failed to set the variable: an integer value is expected/,
    );
    await assert.rejects(call("cfg.get", ["pstn", "nope"]), /^RpcError: Failed to get the variable$/);
    await assert.rejects(call("cfg.get", []), /Failed to get the parameters/);
    await assert.rejects(call("cfg.get", ["pstn[1]", "gw_ip"]), /Wrong group syntax/);
    await assert.rejects(call("cfg.help", ["pstn", "nope"]), /Failed to get the variable description/);
  });

  test("cfg.list, cfg.help and cfg.reset", async () => {
    const { call } = setup();
    const list = (await call("cfg.list")) as string[];
    assert.ok(list.includes("pstn: gw_ip"));
    assert.ok(list.includes("registrar: max_expires"));
    assert.deepEqual(await call("cfg.list", ["voicemail"]), ["voicemail: srv_ip", "voicemail: srv_port"]);
    assert.deepEqual(await call("cfg.help", ["pstn", "gw_ip"]), [
      "PSTN GW Address",
      "(parameter type is string)",
    ]);
    assert.deepEqual(
      await call("cfg.help", ["tm", "fr_timer"]).then((h) => (h as string[])[1]),
      "(parameter type is integer)",
    );
    await call("cfg.set", ["voicemail", "srv_port", "5090"]);
    await call("cfg.reset", ["voicemail"]);
    assert.equal(await call("cfg.get", ["voicemail", "srv_port"]), "5060");
  });
});

describe("PSTN, voicemail and 3xx decisions", () => {
  test("PSTN numbers: '+' or '00', then 4 to 21 digits, first not 0", () => {
    for (const n of ["+4930123", "0049301234", "+1234", "00123456789012345678901"])
      assert.equal(isPstnNumber(n), true, n);
    for (const n of [
      "+123",
      "+0123456",
      "0123456",
      "4930123",
      "+49 30 123",
      "alice",
      "",
      null,
      undefined,
      `+1${"2".repeat(21)}`,
    ])
      assert.equal(isPstnNumber(n), false, String(n));
  });

  test("route[PSTN]: gateway unset, non-PSTN, foreign caller, relay", () => {
    const base = { fromLocal: true, gwIp: "192.0.2.50", gwPort: "" };
    assert.deepEqual(pstnRoute({ ...base, gwIp: "", ruriUser: "+4930123" }), {
      action: "continue",
      why: "no-gateway",
    });
    assert.deepEqual(pstnRoute({ ...base, ruriUser: "bob" }), { action: "continue", why: "not-pstn" });
    assert.deepEqual(pstnRoute({ ...base, fromLocal: false, ruriUser: "+4930123" }), {
      action: "reply",
      code: 403,
      reason: "Not Allowed",
    });
    assert.deepEqual(pstnRoute({ ...base, ruriUser: "+4930123" }), {
      action: "relay",
      ruri: "sip:+4930123@192.0.2.50",
    });
    assert.deepEqual(pstnRoute({ ...base, gwPort: "5080", ruriUser: "004930123" }), {
      action: "relay",
      ruri: "sip:+4930123@192.0.2.50:5080",
    });
    assert.deepEqual(pstnRoute({ ...base, normalize00: false, ruriUser: "004930123" }), {
      action: "relay",
      ruri: "sip:004930123@192.0.2.50",
    });
  });

  test("route[TOVOICEMAIL] and failure_route: 486/408 to voicemail, 3xx blocked, cancel left alone", () => {
    const vm = { srvIp: "192.0.2.60", srvPort: "5060" };
    assert.equal(
      voicemailUri({ method: "INVITE", oexten: "bob", ruriUser: "x", ...vm }),
      "sip:bob@192.0.2.60:5060",
    );
    assert.equal(
      voicemailUri({ method: "SUBSCRIBE", oexten: null, ruriUser: "bob", ...vm }),
      "sip:bob@192.0.2.60:5060",
    );
    assert.equal(voicemailUri({ method: "MESSAGE", oexten: "bob", ruriUser: "bob", ...vm }), null);
    assert.equal(
      voicemailUri({ method: "INVITE", oexten: "bob", ruriUser: "bob", srvIp: "", srvPort: "5060" }),
      null,
    );

    const f = { canceled: false, withBlock3xx: true, withVoicemail: true, oexten: "bob", ...vm };
    assert.deepEqual(manageFailure({ ...f, status: 486 }), {
      action: "voicemail",
      ruri: "sip:bob@192.0.2.60:5060",
    });
    assert.deepEqual(manageFailure({ ...f, status: 408 }).action, "voicemail");
    assert.deepEqual(manageFailure({ ...f, status: 302 }), {
      action: "reply",
      code: 404,
      reason: "Not found",
    });
    assert.deepEqual(manageFailure({ ...f, status: 302, withBlock3xx: false }), { action: "none" });
    assert.deepEqual(manageFailure({ ...f, status: 486, canceled: true }), { action: "none" });
    assert.deepEqual(
      manageFailure({ ...f, status: 486, srvIp: "" }),
      { action: "none" },
      "voicemail.srv_ip unset",
    );
    assert.deepEqual(manageFailure({ ...f, status: 404 }), { action: "none" });
  });
});
