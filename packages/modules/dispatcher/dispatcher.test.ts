import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { RpcRegistry } from "@switchboard/rpc";
import { ReloadError } from "../shared/index.ts";
import { rpcCall, rpcFault } from "../shared/testing.ts";
import { Dispatcher, type DispatcherParams, type DsStateEvent } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "sb-ds-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function dispatcher(
  list: string,
  params: Partial<DispatcherParams> = {},
  onStateChange?: (e: DsStateEvent) => void,
) {
  const file = join(dir, `list${files++}`);
  writeFileSync(file, list);
  const ds = new Dispatcher({ params: { list_file: file, ...params }, onStateChange });
  await ds.load();
  return { ds, file };
}

const THREE = "1 sip:127.0.0.1:5071\n1 sip:127.0.0.1:5072\n1 sip:127.0.0.1:5073\n";

function count(uris: Array<string | undefined>): Record<string, number> {
  const c: Record<string, number> = {};
  for (const u of uris) if (u) c[u] = (c[u] ?? 0) + 1;
  return c;
}

test("round-robin spreads 300 selections evenly across 3 destinations", async () => {
  const { ds } = await dispatcher(THREE);
  const picks = Array.from({ length: 300 }, (_, i) => ds.select(1, 4, { callId: `c${i}` })?.targets[0].uri);
  assert.deepEqual(Object.values(count(picks)), [100, 100, 100]);
});

test("equal priorities are ordered like Kamailio: the last configured destination first", async () => {
  const { ds } = await dispatcher(THREE);
  assert.deepEqual(
    ds.sets.get(1)!.dests.map((d) => d.uri),
    ["sip:127.0.0.1:5073", "sip:127.0.0.1:5072", "sip:127.0.0.1:5071"],
  );
});

test("weight (algorithm 9) gives each destination its share of every 100 calls", async () => {
  const { ds } = await dispatcher(
    "1 sip:10.0.0.1 0 0 weight=50\n1 sip:10.0.0.2 0 0 weight=30\n1 sip:10.0.0.3 0 0 weight=20\n",
  );
  const picks = Array.from({ length: 300 }, () => ds.select(1, 9, {})?.targets[0].uri);
  assert.deepEqual(count(picks), { "sip:10.0.0.1": 150, "sip:10.0.0.2": 90, "sip:10.0.0.3": 60 });
});

test("relative weight (algorithm 11) shares among destinations in use and re-shares when one goes down", async () => {
  const { ds } = await dispatcher("1 sip:10.0.0.1 0 0 rweight=50\n1 sip:10.0.0.2 0 0 rweight=50\n");
  const before = count(Array.from({ length: 100 }, () => ds.select(1, 11, {})?.targets[0].uri));
  assert.deepEqual(before, { "sip:10.0.0.1": 50, "sip:10.0.0.2": 50 });
  assert.ok(ds.setState("i", 1, "sip:10.0.0.2"));
  const afterDown = count(Array.from({ length: 100 }, () => ds.select(1, 11, {})?.targets[0].uri));
  assert.deepEqual(afterDown, { "sip:10.0.0.1": 100 });
});

test("priority (algorithm 8) picks the highest priority; failover follows priority order", async () => {
  const { ds } = await dispatcher("2 sip:a.example 0 5\n2 sip:b.example 0 10\n2 sip:c.example 0 1\n", {
    flags: 2,
  });
  const sel = ds.select(2, 8, {})!;
  assert.deepEqual(
    sel.targets.map((t) => t.uri),
    ["sip:b.example", "sip:a.example", "sip:c.example"],
  );
  ds.setState("d", 2, "sip:b.example");
  assert.equal(ds.select(2, 8, {})?.targets[0].uri, "sip:a.example");
});

test("failover order via next(): after the chosen one, the rest of the set wraps around, skipping unused ones", async () => {
  const { ds } = await dispatcher("3 sip:d1\n3 sip:d2\n3 sip:d3\n3 sip:d4\n", { flags: 2 });
  ds.setState("i", 3, "sip:d2");
  const set = ds.sets.get(3)!;
  set.last = 1; // dests are [d4, d3, d2, d1]: round-robin picks index 1 = d3 next
  const sel = ds.select(3, 4, {})!;
  assert.equal(ds.current(sel)?.uri, "sip:d3");
  assert.equal(ds.next(sel)?.uri, "sip:d1");
  assert.equal(ds.next(sel)?.uri, "sip:d4");
  assert.equal(ds.next(sel), null);
});

test("without the failover flag the selection holds only the chosen destination", async () => {
  const { ds } = await dispatcher(THREE);
  const sel = ds.select(1, 4, {})!;
  assert.equal(sel.targets.length, 1);
  assert.equal(ds.next(sel), null);
});

test("use_default keeps the last destination for when all the others are down", async () => {
  // Priorities put the announcement server last: [gw2, gw1, announce].
  const { ds } = await dispatcher("4 sip:gw1 0 10\n4 sip:gw2 0 10\n4 sip:announce 0 0\n", {
    use_default: 1,
    flags: 2,
  });
  const picks = count(Array.from({ length: 10 }, () => ds.select(4, 4, {})?.targets[0].uri));
  assert.deepEqual(picks, { "sip:gw2": 5, "sip:gw1": 5 });
  assert.equal(ds.select(4, 4, {})?.targets.at(-1)?.uri, "sip:announce");
  ds.setState("i", 4, "all");
  assert.equal(ds.select(4, 4, {}), null);
  ds.setState("a", 4, "sip:announce");
  assert.equal(ds.select(4, 4, {})?.targets[0].uri, "sip:announce");
});

test("hash algorithms are stable per key and spread well", async () => {
  const { ds } = await dispatcher(THREE);
  const first = ds.select(1, 0, { callId: "abc@host" })?.targets[0].uri;
  for (let i = 0; i < 5; i++) assert.equal(ds.select(1, 0, { callId: "abc@host" })?.targets[0].uri, first);
  const spread = count(
    Array.from(
      { length: 3000 },
      (_, i) => ds.select(1, 0, { callId: `${i}-a84b4c76e66710@pc33` })?.targets[0].uri,
    ),
  );
  for (const n of Object.values(spread)) assert.ok(n > 800, JSON.stringify(spread));
  const users = count(
    Array.from(
      { length: 3000 },
      (_, i) => ds.select(1, 1, { fromUri: `sip:user${i}@example.com` })?.targets[0].uri,
    ),
  );
  for (const n of Object.values(users)) assert.ok(n > 800, JSON.stringify(users));
});

test("URI hashing ignores the default port and, with flag 1, everything but the user", async () => {
  const { ds } = await dispatcher(THREE);
  const at = (alg: number, uri: string) =>
    ds.select(1, alg, { fromUri: uri, toUri: uri, ruri: uri })?.targets[0].uri;
  for (const alg of [1, 2, 3]) {
    assert.equal(at(alg, "sip:bob@example.com:5060"), at(alg, "sip:bob@example.com"));
  }
  const { ds: userOnly } = await dispatcher(THREE, { flags: 1 });
  const spread = new Set(
    ["a.example", "b.example", "c.example", "d.example"].map(
      (h) => userOnly.select(1, 1, { fromUri: `sip:carol@${h}` })?.targets[0].uri,
    ),
  );
  assert.equal(spread.size, 1);
  assert.equal(ds.select(1, 1, { fromUri: "not a uri" }), null);
  assert.equal(ds.select(1, 0, {}), null, "no Call-ID, no hash");
});

test("auth-username hash falls back to round-robin without credentials; PV hash needs a value", async () => {
  const { ds } = await dispatcher(THREE);
  const a = ds.select(1, 5, { authUser: "alice" })?.targets[0].uri;
  assert.equal(ds.select(1, 5, { authUser: "alice" })?.targets[0].uri, a);
  const rr = count(Array.from({ length: 30 }, () => ds.select(1, 5, {})?.targets[0].uri));
  assert.deepEqual(Object.values(rr), [10, 10, 10]);
  assert.equal(ds.select(1, 7, {}), null);
  assert.ok(ds.select(1, 7, { pv: "alice@example.com" }));
});

test("inactive and disabled destinations are skipped; a set with none in use selects nothing", async () => {
  const { ds } = await dispatcher("5 sip:x1\n5 sip:x2 1\n5 sip:x3 4\n");
  const picks = count(Array.from({ length: 6 }, () => ds.select(5, 4, {})?.targets[0].uri));
  assert.deepEqual(picks, { "sip:x1": 6 });
  assert.equal(ds.select(99, 4, {}), null);
  ds.setState("i", 5, "sip:x1");
  assert.equal(ds.select(5, 4, {}), null);
});

test("probing marks a destination inactive after the threshold of failures and active again after a success", async () => {
  const events: DsStateEvent[] = [];
  const { ds } = await dispatcher(THREE, { ds_probing_mode: 1, ds_probing_threshold: 3 }, (e) =>
    events.push(e),
  );
  const down = new Set(["sip:127.0.0.1:5072"]);
  const probes: string[] = [];
  ds.startProbing(async (uri, o) => {
    probes.push(`${o.method} ${uri} from ${o.from}`);
    return down.has(uri) ? 408 : 200;
  });
  ds.stop(); // drive rounds by hand
  const flagsOf = (uri: string) => ds.sets.get(1)!.dests.find((d) => d.uri === uri)!.flags;
  const reg = new RpcRegistry();
  ds.registerRpc(reg);
  const list = async () =>
    (
      (await rpcCall(reg, "dispatcher.list")) as {
        RECORDS: Array<{ SET: { TARGETS: Array<{ DEST: { URI: string; FLAGS: string } }> } }>;
      }
    ).RECORDS[0].SET.TARGETS.map((t) => `${t.DEST.URI} ${t.DEST.FLAGS}`);
  await ds.pingOnce();
  assert.ok(probes.includes("OPTIONS sip:127.0.0.1:5072 from sip:dispatcher@localhost"));
  assert.ok((await list()).includes("sip:127.0.0.1:5072 TP"));
  await ds.pingOnce();
  assert.ok(ds.select(1, 8, {}), "trying destinations are still used");
  await ds.pingOnce();
  assert.ok((await list()).includes("sip:127.0.0.1:5072 IP"));
  assert.equal(flagsOf("sip:127.0.0.1:5071"), 8);
  assert.deepEqual(events, [{ setid: 1, uri: "sip:127.0.0.1:5072", change: "down", code: 408 }]);
  const picks = count(Array.from({ length: 30 }, () => ds.select(1, 4, {})?.targets[0].uri));
  assert.equal(picks["sip:127.0.0.1:5072"], undefined);
  down.clear();
  await ds.pingOnce();
  assert.ok((await list()).includes("sip:127.0.0.1:5072 AP"));
  assert.equal(events.at(-1)?.change, "up");
});

test("probing mode 0 probes only flagged destinations and a success clears the flag", async () => {
  const { ds } = await dispatcher("1 sip:p1 8\n1 sip:p2\n");
  const probed: string[] = [];
  ds.startProbing(async (uri) => {
    probed.push(uri);
    return 200;
  });
  ds.stop();
  await ds.pingOnce();
  await ds.pingOnce();
  assert.deepEqual(probed, ["sip:p1"]);
  ds.pingActive = 0;
  await ds.pingOnce();
  assert.equal(probed.length, 1);
});

test("ds_ping_reply_codes accepts listed codes and classes besides 2xx", async () => {
  const { ds } = await dispatcher("1 sip:r1\n", {
    ds_probing_mode: 1,
    ds_probing_threshold: 1,
    ds_ping_reply_codes: "code=403;class=4",
  });
  let reply = 404;
  ds.startProbing(async () => reply);
  ds.stop();
  await ds.pingOnce();
  assert.equal(ds.sets.get(1)!.dests[0].flags, 8, "404 is class 4: accepted");
  reply = 503;
  await ds.pingOnce();
  assert.equal(ds.sets.get(1)!.dests[0].flags, 8 | 1);
  assert.throws(
    () => new Dispatcher({ params: { list_file: "x", ds_ping_reply_codes: "code=99" } }),
    /ds_ping_reply_codes/,
  );
});

test("markDst marks the destination in use inactive at once (probing too in mode 1)", async () => {
  const { ds } = await dispatcher(THREE, { flags: 2, ds_probing_mode: 1 });
  const sel = ds.select(1, 4, {})!;
  const used = ds.current(sel)!.uri;
  assert.ok(ds.markDst(sel));
  assert.equal(ds.sets.get(1)!.dests.find((d) => d.uri === used)!.flags, 1 | 8);
  assert.ok(ds.markAddr("ap", 1, used));
  assert.equal(ds.sets.get(1)!.dests.find((d) => d.uri === used)!.flags, 8);
  assert.equal(ds.markAddr("x", 1, used), false);
});

test("call load (algorithm 10) sends calls to the least loaded destination up to maxload", async () => {
  const { ds } = await dispatcher("6 sip:l1 0 0 duid=l1;maxload=2\n6 sip:l2 0 0 duid=l2;maxload=1\n", {
    flags: 2,
  });
  const invite = (i: number) => ds.select(6, 10, { method: "INVITE", callId: `call-${i}` });
  const a = invite(1)!;
  const b = invite(2)!;
  const c = invite(3)!;
  assert.deepEqual(count([a, b, c].map((s) => ds.current(s)?.uri)), { "sip:l2": 1, "sip:l1": 2 });
  assert.equal(invite(4), null, "every destination at maxload");
  assert.ok(ds.loadUnset("call-1"));
  assert.ok(invite(5));
  const opts = ds.select(6, 10, { method: "OPTIONS", callId: "x" })!;
  assert.equal(opts.alg, 0, "only an INVITE starts a call");
  ds.loadUpdate("call-2", { request: "BYE" });
  ds.loadUpdate("call-3", { request: "BYE" });
  ds.loadUpdate("call-5", { request: "BYE" });
  assert.deepEqual(
    ds.sets.get(6)!.dests.map((d) => d.dload),
    [0, 0],
  );
});

test("next() moves a call's load to the failover destination", async () => {
  const { ds } = await dispatcher("7 sip:m1 0 0 duid=m1\n7 sip:m2 0 0 duid=m2\n", { flags: 2 });
  const sel = ds.select(7, 10, { method: "INVITE", callId: "c1" })!;
  const loadOf = (uri: string) => ds.sets.get(7)!.dests.find((d) => d.uri === uri)!.dload;
  const first = ds.current(sel)!.uri;
  const second = ds.next(sel)!.uri;
  assert.notEqual(first, second);
  assert.equal(loadOf(first), 0);
  assert.equal(loadOf(second), 1);
});

test("isFromList matches address and port (any port when the URI has none), by set or across sets", async () => {
  const { ds } = await dispatcher(
    "1 sip:192.0.2.10:5070\n2 sip:[2001:db8::5]\n3 sip:localhost:5090;transport=tcp\n",
  );
  assert.deepEqual(ds.isFromList("192.0.2.10", 5070), { setid: 1, uri: "sip:192.0.2.10:5070", attrs: "" });
  assert.equal(ds.isFromList("192.0.2.10", 5060), null);
  assert.equal(ds.isFromList("192.0.2.10", 5060, { mode: 1 | 2 })?.setid, 1);
  assert.equal(ds.isFromList("2001:db8::5", 40000)?.setid, 2);
  assert.equal(ds.isFromList("2001:db8::5", 40000, { setid: 1 }), null);
  assert.equal(ds.isFromList("::ffff:192.0.2.10", 5070, { setid: 1 })?.setid, 1);
  assert.equal(ds.isFromList("127.0.0.1", 5090)?.setid, 3, "host names match what they resolved to");
  assert.equal(ds.isFromList("127.0.0.1", 5090, { mode: 0, proto: "udp" }), null);
  assert.equal(ds.isFromList("127.0.0.1", 5090, { mode: 0, proto: "tcp" })?.setid, 3);
});

test("the list file: comments and blank lines ignored, bad lines and bad URIs reported and skipped", async () => {
  const { ds } = await dispatcher(
    "# gateways\n\n1 sip:127.0.0.1:7070  # main\ngateways\n1 sip:gw@[bad\n2 sip:127.0.0.1:7072 8 5 duid=x;weight=200\n",
  );
  const report = ds.table.status;
  assert.deepEqual(
    report.issues.map((i) => i.id),
    ["line 4", "line 5", "line 6"],
  );
  assert.match(report.issues[0].message, /bad line \[gateways\]/);
  assert.match(report.issues[1].message, /bad uri/);
  assert.match(report.issues[2].message, /weight 200 not in 1-100 range/);
  assert.deepEqual(
    [...ds.sets.values()].map((s) => s.dests.map((d) => `${s.id} ${d.uri} ${d.flags} ${d.priority}`)),
    [["1 sip:127.0.0.1:7070 0 0"], ["2 sip:127.0.0.1:7072 8 5"]],
  );
});

test("a reload after an edit takes effect; a failed reload keeps the old sets and says why", async () => {
  const { ds, file } = await dispatcher("1 sip:old.example\n");
  writeFileSync(file, "1 sip:new.example\n2 sip:other.example\n");
  await ds.reload();
  assert.equal(ds.select(1, 4, {})?.targets[0].uri, "sip:new.example");
  rmSync(file);
  await assert.rejects(ds.reload(), (e: unknown) => e instanceof ReloadError && /ENOENT/.test(e.message));
  assert.equal(ds.select(1, 4, {})?.targets[0].uri, "sip:new.example");
  assert.match(ds.table.status.lastError ?? "", /ENOENT/);
});

test("a reload keeps the probing state of destinations configured the same way", async () => {
  const { ds, file } = await dispatcher("1 sip:keep\n1 sip:changed\n");
  ds.setState("ip", 1, "sip:keep");
  ds.setState("ip", 1, "sip:changed");
  writeFileSync(file, "1 sip:keep\n1 sip:changed 8\n");
  await ds.reload();
  const flags = Object.fromEntries(ds.sets.get(1)!.dests.map((d) => [d.uri, d.flags]));
  assert.deepEqual(flags, { "sip:keep": 9, "sip:changed": 8 });
});

test("RPC dispatcher.list has Kamailio's shape, with ATTRS when set and the short/full variants", async () => {
  const { ds } = await dispatcher("1 sip:127.0.0.1:5070\n2 sip:127.0.0.1:5080 8 3 duid=gw1;weight=50\n", {
    ds_hash_size: 8,
  });
  const reg = new RpcRegistry();
  ds.registerRpc(reg);
  const list = (await rpcCall(reg, "dispatcher.list")) as Record<string, unknown>;
  assert.deepEqual(list, {
    NRSETS: 2,
    RECORDS: [
      {
        SET: {
          ID: 1,
          TARGETS: [
            { DEST: { URI: "sip:127.0.0.1:5070", FLAGS: "AX", PRIORITY: 0, RUNTIME: { DLGLOAD: 0 } } },
          ],
        },
      },
      {
        SET: {
          ID: 2,
          TARGETS: [
            {
              DEST: {
                URI: "sip:127.0.0.1:5080",
                FLAGS: "AP",
                PRIORITY: 3,
                ATTRS: {
                  BODY: "duid=gw1;weight=50",
                  DUID: "gw1",
                  PROBING_COUNT: 0,
                  MAXLOAD: 0,
                  WEIGHT: 50,
                  RWEIGHT: 0,
                  SOCKET: "",
                  SOCKNAME: "",
                  OBPROXY: "",
                  OCMIN: 0,
                  OCMAX: 100,
                },
                RUNTIME: { DLGLOAD: 0 },
              },
            },
          ],
        },
      },
    ],
  });
  const short = (await rpcCall(reg, "dispatcher.list", "short")) as {
    RECORDS: Array<{ SET: { TARGETS: Array<{ DEST: object }> } }>;
  };
  assert.equal("ATTRS" in short.RECORDS[1].SET.TARGETS[0].DEST, false);
  const full = (await rpcCall(reg, "dispatcher.list", "full")) as {
    RECORDS: Array<{ SET: { TARGETS: Array<{ DEST: Record<string, unknown> }> } }>;
  };
  const d = full.RECORDS[0].SET.TARGETS[0].DEST;
  assert.equal(d.IPADDR, "127.0.0.1");
  assert.equal(d.PORT, 5070);
  assert.ok("ATTRS" in d);
});

test("RPC set_state, ping_active, add, remove, reload and their faults", async () => {
  const { ds } = await dispatcher("1 sip:127.0.0.1:5070\n");
  const reg = new RpcRegistry();
  ds.registerRpc(reg);
  assert.equal(
    await rpcCall(reg, "dispatcher.set_state", "ip", 1, "sip:127.0.0.1:5070"),
    "Ok. Dispatcher state updated.",
  );
  assert.equal(ds.sets.get(1)!.dests[0].flags, 9);
  assert.equal(await rpcCall(reg, "dispatcher.set_state", "a", "1", "all"), "Ok. Dispatcher state updated.");
  assert.equal(ds.sets.get(1)!.dests[0].flags, 0);
  assert.equal(await rpcFault(reg, "dispatcher.set_state", ["x", 1, "all"]), "500 Unknown State Value");
  assert.equal(await rpcFault(reg, "dispatcher.set_state", ["a", 1, "sip:nope"]), "500 State Update Failed");
  assert.equal(await rpcFault(reg, "dispatcher.set_state", ["a", 1]), "500 Invalid Parameters");
  assert.deepEqual(await rpcCall(reg, "dispatcher.ping_active"), { OldPingState: 1 });
  assert.deepEqual(await rpcCall(reg, "dispatcher.ping_active", 0), { NewPingState: 0, OldPingState: 1 });
  assert.equal(
    await rpcCall(reg, "dispatcher.add", 9, "sip:127.0.0.1:6000", 0, 0, "duid=n"),
    "Ok. Dispatcher destination added.",
  );
  assert.equal(ds.select(9, 4, {})?.targets[0].uri, "sip:127.0.0.1:6000");
  assert.equal(await rpcFault(reg, "dispatcher.add", [9, "sip:[bad"]), "500 Adding dispatcher dst failed");
  assert.equal(
    await rpcCall(reg, "dispatcher.remove", 9, "sip:127.0.0.1:6000"),
    "Ok. Dispatcher destination removed.",
  );
  assert.equal(ds.listExists(9), false);
  assert.equal(await rpcCall(reg, "dispatcher.reload"), "Ok. Dispatcher successfully reloaded.");
  assert.deepEqual(await rpcCall(reg, "dispatcher.hash", 4, "alice"), { hashid: 1834153949, slot: 1 });
  const { ds: empty } = await dispatcher("# nothing\n");
  const reg2 = new RpcRegistry();
  empty.registerRpc(reg2);
  assert.equal(await rpcFault(reg2, "dispatcher.list", []), "500 No Destination Sets");
});

test("reload_delta refuses a reload too soon after the previous one", async () => {
  const { ds } = await dispatcher("1 sip:a\n", { reload_delta: 60 });
  const reg = new RpcRegistry();
  ds.registerRpc(reg);
  await rpcCall(reg, "dispatcher.reload");
  assert.equal(await rpcFault(reg, "dispatcher.reload", []), "500 Ongoing reload");
});
