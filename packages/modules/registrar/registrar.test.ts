import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { Usrloc, type UsrlocParams } from "../usrloc/index.ts";
import { manualClock } from "../usrloc/testing.ts";
import type { RegistrarParams } from "./params.ts";
import { Registrar } from "./registrar.ts";
import type { RegisterContact, RegisterRequest } from "./request.ts";
import { loadContacts, nextContacts } from "./serial.ts";

function setup(params: Partial<RegistrarParams> = {}, ulParams: Partial<UsrlocParams> = {}) {
  const clock = manualClock();
  const ul = new Usrloc({ params: ulParams, now: clock.now });
  const registrar = new Registrar(ul, { params });
  return { clock, ul, registrar };
}

let cseq = 0;
function reg(
  contacts: Array<string | RegisterContact> | undefined,
  over: Partial<RegisterRequest> = {},
): RegisterRequest {
  return {
    toUser: "alice",
    toDomain: "example.com",
    callId: "reg-1@host",
    cseq: ++cseq,
    contacts: contacts?.map((c) => (typeof c === "string" ? { uri: c } : c)),
    userAgent: "test-phone/1.0",
    socket: "udp:127.0.0.1:5060",
    ...over,
  };
}

const header = (r: { headers: { name: string; value: string }[] }, name: string) =>
  r.headers.find((h) => h.name === name)?.value;

describe("registrar save()", () => {
  test("a REGISTER creates a binding and the 200 OK lists it with the granted expires", async () => {
    const { registrar, ul } = setup();
    const r = await registrar.save(reg(["sip:alice@192.0.2.10:5060"]));
    assert.equal(r.status, 200);
    assert.equal(r.reason, "OK");
    assert.equal(r.code, 1);
    assert.equal(header(r, "Contact"), "<sip:alice@192.0.2.10:5060>;expires=3600");
    const [b] = await ul.domain("location").get("alice");
    assert.equal(b.userAgent, "test-phone/1.0");
    assert.equal(b.socket, "udp:127.0.0.1:5060");
    assert.equal(registrar.counters.accepted_regs, 1);
  });

  test("expires comes from the Contact param, else the Expires header, and is capped at max_expires", async () => {
    const { registrar } = setup();
    const r = await registrar.save(
      reg([{ uri: "sip:alice@192.0.2.1", params: { expires: "120" } }, "sip:alice@192.0.2.2"], {
        expires: "7200",
      }),
    );
    assert.equal(
      header(r, "Contact"),
      "<sip:alice@192.0.2.1>;expires=120, <sip:alice@192.0.2.2>;expires=3600",
    );
  });

  test("below min_expires the expires is raised to it by default", async () => {
    const { registrar } = setup();
    const r = await registrar.save(reg(["sip:alice@192.0.2.1"], { expires: "30" }));
    assert.equal(r.status, 200);
    assert.equal(header(r, "Contact"), "<sip:alice@192.0.2.1>;expires=60");
  });

  test("with min_expires_mode 1 a too short expires gets 423 with Min-Expires and changes nothing", async () => {
    const { registrar, ul } = setup({ min_expires_mode: 1 });
    const r = await registrar.save(reg(["sip:alice@192.0.2.1"], { expires: "30" }));
    assert.equal(r.status, 423);
    assert.equal(r.reason, "Interval Too Brief");
    assert.equal(header(r, "Min-Expires"), "60");
    assert.equal(header(r, "P-Registrar-Error"), "Interval too brief");
    assert.equal(r.code, -1);
    assert.equal((await ul.domain("location").get("alice")).length, 0);
    assert.equal(registrar.counters.rejected_regs, 1);
  });

  test("max_contacts refuses a REGISTER that would exceed it, with 503 and no change", async () => {
    const { registrar, ul } = setup({ max_contacts: 2 });
    assert.equal((await registrar.save(reg(["sip:a@h1", "sip:a@h2"]))).status, 200);
    const r = await registrar.save(reg(["sip:a@h3"]));
    assert.equal(r.status, 503);
    assert.equal(r.code, -2);
    assert.equal(header(r, "P-Registrar-Error"), "Too many registered contacts");
    assert.equal((await ul.domain("location").get("alice")).length, 2);
    // Replacing one binding while adding another stays within the limit.
    const ok = await registrar.save(reg([{ uri: "sip:a@h1", params: { expires: "0" } }, "sip:a@h3"]));
    assert.equal(ok.status, 200);
    // A first REGISTER with too many contacts is refused as a whole.
    const other = await registrar.save(reg(["sip:b@1", "sip:b@2", "sip:b@3"], { toUser: "bob" }));
    assert.equal(other.status, 503);
    assert.equal((await ul.domain("location").get("bob")).length, 0);
  });

  test("Contact expires=0 removes that binding only; Expires: 0 removes every listed one", async () => {
    const { registrar, ul } = setup();
    await registrar.save(reg(["sip:a@h1", "sip:a@h2", "sip:a@h3"]));
    const r = await registrar.save(reg([{ uri: "sip:a@h2", params: { Expires: "0" } }]));
    assert.equal(r.code, 3);
    assert.deepEqual((await ul.domain("location").get("alice")).map((c) => c.contact).sort(), [
      "sip:a@h1",
      "sip:a@h3",
    ]);
    await registrar.save(reg(["sip:a@h1", "sip:a@h3"], { expires: "0" }));
    assert.equal((await ul.domain("location").get("alice")).length, 0);
    assert.equal(ul.domain("location").userCount, 0);
  });

  test("Contact: * with Expires: 0 removes all bindings; otherwise it is a 400", async () => {
    const { registrar, ul } = setup();
    await registrar.save(reg(["sip:a@h1", "sip:a@h2"]));
    const noExpires = await registrar.save(reg(["*"]));
    assert.equal(noExpires.status, 400);
    assert.equal(header(noExpires, "P-Registrar-Error"), "* used in contact and expires is not zero");
    const mixed = await registrar.save(reg(["*", "sip:a@h3"], { expires: "0" }));
    assert.equal(mixed.status, 400);
    assert.equal(header(mixed, "P-Registrar-Error"), "* used in contact and more than 1 contact");
    assert.equal((await ul.domain("location").get("alice")).length, 2);
    const ok = await registrar.save(reg(["*"], { expires: "0" }));
    assert.equal(ok.status, 200);
    assert.equal(ok.code, 3);
    assert.equal(header(ok, "Contact"), undefined);
    assert.equal((await ul.domain("location").get("alice")).length, 0);
  });

  test("a REGISTER without Contact lists the current bindings", async () => {
    const { registrar, clock } = setup();
    await registrar.save(reg([{ uri: "sip:a@h1", params: { q: "0.5" } }]));
    clock.advance(100);
    const r = await registrar.save(reg(undefined));
    assert.equal(r.code, 4);
    assert.equal(header(r, "Contact"), "<sip:a@h1>;q=0.5;expires=3500");
  });

  test("same Call-ID: a lower CSeq is refused, a repeated CSeq within cseq_delay is a retransmission", async () => {
    const { registrar, ul, clock } = setup();
    await registrar.save(reg(["sip:a@h1"], { cseq: 10, expires: "600" }));
    const lower = await registrar.save(reg(["sip:a@h1"], { cseq: 9 }));
    assert.equal(lower.status, 400);
    assert.equal(header(lower, "P-Registrar-Error"), "Invalid CSeq number");
    assert.match(header(lower, "Contact") ?? "", /expires=600/, "the 400 still lists the bindings");

    clock.advance(5);
    const again = await registrar.save(reg(["sip:a@h1"], { cseq: 10, expires: "3600" }));
    assert.equal(again.status, 200);
    assert.equal((await ul.domain("location").get("alice"))[0].expires, clock.sec() - 5 + 600, "left alone");

    clock.advance(30);
    const late = await registrar.save(reg(["sip:a@h1"], { cseq: 10 }));
    assert.equal(late.status, 400, "the same CSeq after cseq_delay is out of order");

    const newCall = await registrar.save(reg(["sip:a@h1"], { cseq: 1, callId: "reboot@host" }));
    assert.equal(newCall.status, 200, "a new Call-ID starts a new CSeq space");
    assert.equal((await ul.domain("location").get("alice"))[0].callid, "reboot@host");
  });

  test("+sip.instance and reg-id are kept; a new contact URI of the same instance replaces the binding", async () => {
    const { registrar, ul } = setup();
    const instance = '"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"';
    await registrar.save(
      reg([{ uri: "sip:alice@198.51.100.7:5060", params: { "+sip.instance": instance, "reg-id": "1" } }]),
    );
    const [first] = await ul.domain("location").get("alice");
    assert.equal(first.instance, "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
    assert.equal(first.regId, 1);
    const r = await registrar.save(
      reg([{ uri: "sip:alice@203.0.113.9:5070", params: { "+sip.instance": instance, "reg-id": "1" } }]),
    );
    const list = await ul.domain("location").get("alice");
    assert.equal(list.length, 1);
    assert.equal(list[0].contact, "sip:alice@203.0.113.9:5070");
    assert.equal(list[0].ruid, first.ruid);
    assert.equal(
      header(r, "Contact"),
      '<sip:alice@203.0.113.9:5070>;expires=3600;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1',
    );
    const bad = await registrar.save(
      reg([{ uri: "sip:alice@203.0.113.9:5070", params: { "+sip.instance": instance, "reg-id": "0" } }]),
    );
    assert.equal(header(bad, "P-Registrar-Error"), "Invalid Reg-Id number");
  });

  test("with use_path the Path vector is stored and echoed to a UA that supports path", async () => {
    const { registrar, ul } = setup({ use_path: 1 });
    const path = ["<sip:edge1.example.net;lr>", "<sip:edge2.example.net;lr>"];
    const r = await registrar.save(reg(["sip:alice@10.0.0.5"], { path, supported: ["path", "gruu"] }));
    assert.equal(r.status, 200);
    assert.equal(header(r, "Path"), "<sip:edge1.example.net;lr>,<sip:edge2.example.net;lr>");
    assert.equal(
      (await ul.domain("location").get("alice"))[0].path,
      "<sip:edge1.example.net;lr>,<sip:edge2.example.net;lr>",
    );

    const strict = await registrar.save(reg(["sip:alice@10.0.0.6"], { path, toUser: "bob" }));
    assert.equal(strict.status, 420);
    assert.equal(header(strict, "Unsupported"), "path");
    assert.equal((await ul.domain("location").get("bob")).length, 0);

    const { registrar: lazy, ul: ul2 } = setup({ use_path: 1, path_mode: 1 });
    const l = await lazy.save(reg(["sip:alice@10.0.0.5"], { path }));
    assert.equal(l.status, 200);
    assert.equal(header(l, "Path"), undefined);
    assert.equal((await ul2.domain("location").get("alice"))[0].path, path.join(","));
  });

  test("invalid q, Expires and methods values are 400s", async () => {
    const { registrar } = setup();
    const q = await registrar.save(reg([{ uri: "sip:a@h", params: { q: "1.5" } }]));
    assert.equal(header(q, "P-Registrar-Error"), "Invalid q param in contact");
    const exp = await registrar.save(reg(["sip:a@h"], { expires: "soon" }));
    assert.equal(header(exp, "P-Registrar-Error"), "Expires parse error");
    assert.equal(exp.status, 400);
  });

  test("use_domain keys bindings by user@domain", async () => {
    const { registrar, ul } = setup({}, { use_domain: 1 });
    await registrar.save(reg(["sip:alice@h1"], { toDomain: "Example.COM" }));
    await registrar.save(reg(["sip:alice@h2"], { toDomain: "other.org" }));
    assert.equal((await ul.domain("location").get("alice@example.com")).length, 1);
    assert.equal((await ul.domain("location").get("alice@other.org")).length, 1);
    const found = await registrar.lookup({ user: "alice", domain: "other.org", method: "INVITE" });
    assert.deepEqual(
      found.branches.map((b) => b.uri),
      ["sip:alice@h2"],
    );
  });
});

describe("registrar lookup()", () => {
  test("targets come ordered by q, then most recent; q groups give the serial forking order", async () => {
    const { registrar, clock } = setup();
    await registrar.save(reg([{ uri: "sip:a@low", params: { q: "0.1" } }]));
    clock.advance(1);
    await registrar.save(reg(["sip:a@unset"]));
    clock.advance(1);
    await registrar.save(reg([{ uri: "sip:a@mid-old", params: { q: "0.5" } }]));
    clock.advance(1);
    await registrar.save(reg([{ uri: "sip:a@high", params: { q: "1.0" } }]));
    clock.advance(1);
    await registrar.save(reg([{ uri: "sip:a@mid-new", params: { q: "0.5" } }]));

    const r = await registrar.lookup({ user: "alice", method: "INVITE" });
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.branches.map((b) => b.uri),
      ["sip:a@high", "sip:a@mid-new", "sip:a@mid-old", "sip:a@low", "sip:a@unset"],
    );

    const queue = loadContacts(r.branches);
    assert.deepEqual(
      nextContacts(queue)?.map((b) => b.uri),
      ["sip:a@high"],
    );
    assert.deepEqual(
      nextContacts(queue)?.map((b) => b.uri),
      ["sip:a@mid-new", "sip:a@mid-old"],
    );
    assert.deepEqual(
      nextContacts(queue)?.map((b) => b.uri),
      ["sip:a@low"],
    );
    assert.deepEqual(
      nextContacts(queue)?.map((b) => b.uri),
      ["sip:a@unset"],
    );
    assert.equal(nextContacts(queue), undefined);
  });

  test("equal q-values fork in parallel: one group", async () => {
    const { registrar } = setup();
    await registrar.save(reg(["sip:a@1", "sip:a@2"]));
    const r = await registrar.lookup({ user: "alice", method: "INVITE" });
    const queue = loadContacts(r.branches);
    assert.equal(nextContacts(queue)?.length, 2);
    assert.equal(nextContacts(queue), undefined);
  });

  test("NAT and Path: the next hop is the first Path URI, else the received address", async () => {
    const { registrar } = setup({ use_path: 1 });
    await registrar.save(
      reg(["sip:alice@10.0.0.5:5060"], { received: "sip:203.0.113.5:40000;transport=tcp", cflags: 64 }),
    );
    await registrar.save(
      reg(["sip:bob@10.0.0.6:5060"], {
        toUser: "bob",
        path: ["<sip:edge.example.net;lr;ob>"],
        supported: ["path"],
      }),
    );
    const a = await registrar.lookup({ user: "alice", method: "INVITE" });
    assert.equal(a.branches[0].dstUri, "sip:203.0.113.5:40000;transport=tcp");
    assert.equal(a.branches[0].flags, 64, "branch flags saved at registration come back");
    const b = await registrar.lookup({ user: "bob", method: "INVITE" });
    assert.equal(b.branches[0].dstUri, "sip:edge.example.net;lr;ob");
    assert.equal(b.branches[0].path, "<sip:edge.example.net;lr;ob>");
  });

  test("the 200 OK shows the received address of a NATed binding", async () => {
    const { registrar } = setup();
    const r = await registrar.save(reg(["sip:alice@10.0.0.5"], { received: "sip:203.0.113.5:40000" }));
    assert.equal(header(r, "Contact"), '<sip:alice@10.0.0.5>;expires=3600;received="sip:203.0.113.5:40000"');
  });

  test("method filtering: bindings that do not allow the method are skipped (-2)", async () => {
    const { registrar } = setup();
    await registrar.save(reg(["sip:alice@h"], { allow: ["INVITE, ACK, CANCEL, BYE"] }));
    assert.equal((await registrar.lookup({ user: "alice", method: "INVITE" })).code, 1);
    assert.equal((await registrar.lookup({ user: "alice", method: "MESSAGE" })).code, -2);
    await registrar.save(reg([{ uri: "sip:alice@h2", params: { methods: '"MESSAGE"' } }]));
    const m = await registrar.lookup({ user: "alice", method: "MESSAGE" });
    assert.deepEqual(
      m.branches.map((b) => b.uri),
      ["sip:alice@h2"],
    );
  });

  test("unknown users and expired bindings are not found (-1)", async () => {
    const { registrar, clock } = setup();
    assert.equal((await registrar.lookup({ user: "nobody", method: "INVITE" })).code, -1);
    await registrar.save(reg(["sip:alice@h"], { expires: "60" }));
    clock.advance(60);
    assert.equal((await registrar.lookup({ user: "alice", method: "INVITE" })).code, -1);
    assert.equal(await registrar.registered("alice"), false);
  });

  test("statistics carry Kamailio's registrar names", async () => {
    const { registrar } = setup({ max_contacts: 5 });
    await registrar.save(reg(["sip:a@h"]));
    await registrar.save(reg(["sip:a@h"], { expires: "bad" }));
    const stats = Object.fromEntries(registrar.statDefs().map((d) => [`${d.group}:${d.name}`, d.read()]));
    assert.deepEqual(stats, {
      "registrar:accepted_regs": 1,
      "registrar:default_expire": 3600,
      "registrar:default_expires_range": 0,
      "registrar:expires_range": 0,
      "registrar:max_contacts": 5,
      "registrar:max_expires": 3600,
      "registrar:rejected_regs": 1,
    });
  });
});

describe("registrar with usrloc write-through", () => {
  let tdb: TestDatabase | undefined;
  after(async () => {
    await tdb?.drop();
  });

  test("a database failure answers 500, and the binding is written later by the usrloc timer", async () => {
    tdb = await createTestDatabase();
    const clock = manualClock();
    const ul = new Usrloc({
      params: { db_mode: 1 },
      db: tdb.db,
      now: clock.now,
      log: { error() {}, warn() {} },
    });
    const registrar = new Registrar(ul);
    await ul.start();
    await tdb.pool.query("RENAME TABLE location TO location_away");
    let r: Awaited<ReturnType<Registrar["save"]>>;
    try {
      r = await registrar.save(reg(["sip:alice@192.0.2.10"]));
    } finally {
      await tdb.pool.query("RENAME TABLE location_away TO location");
    }
    assert.equal(r.status, 500);
    assert.equal(r.reason, "Server Internal Error");
    assert.equal(header(r, "P-Registrar-Error"), "usrloc_contact_insert failed");
    await ul.runTimer();
    const [rows] = await tdb.pool.query("SELECT contact FROM location WHERE username = 'alice'");
    assert.deepEqual(rows, [{ contact: "sip:alice@192.0.2.10" }]);
    await ul.stop();
  });
});
