/**
 * Registrations and dashboard against a real RPC endpoint standing in for a node (the commands and
 * answer shapes Kamailio gives), a dead node address, and the location table.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { location, sbAudit, sbNode, toSqlDateTime } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { createRpcServer, RpcError, RpcRegistry, type RpcServer } from "@switchboard/rpc";
import { eq, like } from "drizzle-orm";
import { ratePerSecond } from "../../shared/rates";
import { summarizeContacts, transportOf } from "../monitoring/contacts";
import { nodeStatusFrom } from "../monitoring/status";
import { callerFor } from "../testing";

interface Contact {
  address: string;
  expires: number | string;
  ua: string;
  socket: string;
  q: number;
}

/** usrloc of the stand-in node: AoR -> contacts. */
const usrloc = new Map<string, Contact[]>();

function ulContact(c: Contact, i: number) {
  return {
    Contact: {
      Address: c.address,
      Expires: c.expires,
      Q: c.q,
      "Call-ID": `call-${i}`,
      CSeq: 2,
      "User-Agent": c.ua,
      Received: "[not set]",
      Path: "[not set]",
      State: "CS_NEW",
      Flags: 0,
      CFlags: 0,
      Socket: c.socket,
      Methods: -1,
      Ruid: `uloc-${i}`,
      Instance: "[not set]",
      "Reg-Id": 0,
      "Server-Id": 0,
      "Tcpconn-Id": -1,
      Keepalive: 0,
      "Last-Keepalive": 0,
      "KA-Roundtrip": 0,
      "Last-Modified": 1_700_000_000,
    },
  };
}

function nodeRegistry(): RpcRegistry {
  const r = new RpcRegistry();
  r.register({ name: "core.version", doc: "", handler: () => "kamailio 6.1.0 (x86_64/linux) " });
  r.register({
    name: "core.uptime",
    doc: "",
    handler: () => ({ now: "Sun Nov 22 13:29:26 2026", up_since: "Sun Nov 22 13:28:20 2026", uptime: 66 }),
  });
  r.register({
    name: "stats.get_statistics",
    doc: "",
    handler: (params) => {
      assert.deepEqual(params, ["usrloc:", "shmem:", "core:rcv_requests", "core:fwd_requests"]);
      return [
        "core:fwd_requests = 150",
        "core:rcv_requests = 565",
        "shmem:free_size = 265606504",
        "shmem:max_used_size = 4289504",
        "shmem:real_used_size = 2828952",
        "shmem:total_size = 268435456",
        "shmem:used_size = 2584232",
        "usrloc:location_contacts = 3",
        "usrloc:location_expires = 0",
        "usrloc:location_users = 2",
        "usrloc:registered_users = 2",
      ];
    },
  });
  r.register({ name: "tm.stats", doc: "", handler: () => ({ current: 4, waiting: 1, total: 300 }) });
  r.register({
    name: "ul.dump",
    doc: "",
    handler: () => {
      let i = 0;
      return {
        Domains: [
          {
            Domain: {
              Domain: "location",
              Size: 1024,
              AoRs: [...usrloc].map(([aor, contacts]) => ({
                Info: { AoR: aor, HashID: 1, Contacts: contacts.map((c) => ulContact(c, i++)) },
              })),
            },
          },
        ],
      };
    },
  });
  r.register({
    name: "ul.rm_contact",
    doc: "",
    handler: ([table, aor, contact]) => {
      const list = usrloc.get(String(aor));
      if (table !== "location" || !list?.some((c) => c.address === contact))
        throw new RpcError(404, "Contact not found");
      usrloc.set(
        String(aor),
        list.filter((c) => c.address !== contact),
      );
      return {};
    },
  });
  return r;
}

let t: TestDatabase;
let node: RpcServer;
let liveId: number;
let deadId: number;

before(async () => {
  t = await createTestDatabase();
  node = await createRpcServer({ registry: nodeRegistry(), listen: "127.0.0.1:0" });
  const [live] = await t.db.insert(sbNode).values({ name: "a-live", url: node.url, kind: "kamailio" });
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const [dead] = await t.db
    .insert(sbNode)
    .values({ name: "b-dead", url: "http://127.0.0.1:1/RPC", kind: "sipd" });
  await t.db.insert(sbNode).values({ name: "c-off", url: node.url, kind: "sipd", enabled: false });
  liveId = live.insertId;
  deadId = dead.insertId;
  usrloc.set("alice@example.com", [
    {
      address: "sip:alice@192.0.2.10:5060",
      expires: 3600,
      ua: "Linphone/5.2",
      socket: "udp:127.0.0.1:5060",
      q: -1,
    },
    {
      address: "sip:alice@192.0.2.11:5062;transport=tcp",
      expires: 120,
      ua: "Zoiper",
      socket: "tcp:127.0.0.1:5060",
      q: 0.5,
    },
  ]);
  usrloc.set("bob@example.com", [
    {
      address: "sips:bob@198.51.100.7:5061",
      expires: "permanent",
      ua: "Linphone/5.2",
      socket: "[not set]",
      q: -1,
    },
  ]);
  const later = (s: number) => toSqlDateTime(new Date(Date.now() + s * 1000));
  await t.db.insert(location).values([
    {
      ruid: "r1",
      username: "carol",
      domain: "example.com",
      contact: "sip:carol@192.0.2.20",
      expires: later(600),
      userAgent: "Snom",
    },
    {
      ruid: "r2",
      username: "dave",
      domain: "example.com",
      contact: "sip:dave@192.0.2.21",
      expires: later(-60),
      userAgent: "Yealink",
    },
  ]);
});
after(async () => {
  await node.close();
  await t.drop();
});

describe("registrations", () => {
  test("the first enabled node's ul.dump is listed, sorted and filtered; the source says so", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const all = await caller.registrations.list({ sort: "expires", dir: "asc" });
    assert.deepEqual(
      all.rows.map((r) => [r.aor, r.contact, r.expires, r.expiresNote, r.q, r.userAgent, r.socket]),
      [
        [
          "alice@example.com",
          "sip:alice@192.0.2.11:5062;transport=tcp",
          120,
          null,
          0.5,
          "Zoiper",
          "tcp:127.0.0.1:5060",
        ],
        [
          "alice@example.com",
          "sip:alice@192.0.2.10:5060",
          3600,
          null,
          null,
          "Linphone/5.2",
          "udp:127.0.0.1:5060",
        ],
        ["bob@example.com", "sips:bob@198.51.100.7:5061", null, "permanent", null, "Linphone/5.2", null],
      ],
    );
    assert.ok(all.rows.every((r) => Math.abs(r.readAt - Date.now()) < 60_000));
    const zoiper = await caller.registrations.list({ search: "zoip" });
    assert.deepEqual(
      zoiper.rows.map((r) => r.contact),
      ["sip:alice@192.0.2.11:5062;transport=tcp"],
    );
    const paged = await caller.registrations.list({ pageSize: 2, page: 2, sort: "aor" });
    assert.deepEqual(
      { n: paged.rows.length, hasNext: paged.hasNext, aor: paged.rows[0].aor },
      { n: 1, hasNext: false, aor: "bob@example.com" },
    );
    const summary = await caller.registrations.summary({});
    assert.equal(summary.source, "live");
    assert.deepEqual(summary.node, { id: liveId, name: "a-live" });
    assert.equal(summary.error, null);
  });

  test("a node that does not answer falls back to the location table, with the reason", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const summary = await caller.registrations.summary({ nodeId: deadId });
    assert.equal(summary.source, "table");
    assert.equal(summary.node?.name, "b-dead");
    assert.match(summary.error ?? "", /ECONNREFUSED|refused|connect/i);
    const list = await caller.registrations.list({ nodeId: deadId });
    assert.deepEqual(
      list.rows.map((r) => [r.aor, r.userAgent, r.expiresNote]),
      [
        ["carol@example.com", "Snom", null],
        ["dave@example.com", "Yealink", "expired"],
      ],
    );
    const carol = list.rows[0];
    assert.ok(carol.expires !== null && carol.expires > 590 && carol.expires <= 600);
    const search = await caller.registrations.list({ nodeId: deadId, search: "dav" });
    assert.deepEqual(
      search.rows.map((r) => r.aor),
      ["dave@example.com"],
    );
    assert.equal((await caller.registrations.summary({ table: true })).contacts, 2);
  });

  test("a disabled or unknown node is refused", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const [off] = await t.db.select().from(sbNode).where(eq(sbNode.name, "c-off"));
    await assert.rejects(caller.registrations.list({ nodeId: off.id }), /not an enabled node/);
  });

  test("usrloc statistics: user agents, contacts per user, transports", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const s = await caller.registrations.summary({ nodeId: liveId });
    assert.deepEqual({ contacts: s.contacts, users: s.users }, { contacts: 3, users: 2 });
    assert.deepEqual(s.userAgents, [
      { label: "Linphone/5.2", count: 2 },
      { label: "Zoiper", count: 1 },
    ]);
    assert.deepEqual(s.contactsPerUser, [
      { label: "1", count: 1 },
      { label: "2", count: 1 },
      { label: "3", count: 0 },
      { label: "4+", count: 0 },
    ]);
    assert.deepEqual(s.transports, [
      { label: "TCP", count: 1 },
      { label: "TLS", count: 1 },
      { label: "UDP", count: 1 },
    ]);
  });

  test("an operator unregisters a contact with ul.rm_contact, audited with the node; a viewer may not", async () => {
    const { caller: viewer } = await callerFor(t.db, "viewer");
    const contact = { nodeId: liveId, aor: "alice@example.com", contact: "sip:alice@192.0.2.10:5060" };
    await assert.rejects(viewer.registrations.unregister(contact), /needs the operator role/);
    const { caller, ctx } = await callerFor(t.db, "operator");
    assert.deepEqual(await caller.registrations.unregister(contact), { node: "a-live" });
    assert.deepEqual(
      usrloc.get("alice@example.com")?.map((c) => c.address),
      ["sip:alice@192.0.2.11:5062;transport=tcp"],
    );
    const remaining = await caller.registrations.list({ nodeId: liveId, search: "alice" });
    assert.equal(remaining.rows.length, 1, "the list reads the node again right after the change");
    await assert.rejects(caller.registrations.unregister(contact), /a-live: .*Contact not found/);
    const audit = await t.db
      .select()
      .from(sbAudit)
      .where(eq(sbAudit.username, ctx.session!.username))
      .orderBy(sbAudit.id);
    assert.deepEqual(
      audit.map((a) => [a.action, a.node, a.ok]),
      [
        ["rpc:ul.rm_contact", "a-live", true],
        ["registrations.unregister", null, true],
        ["rpc:ul.rm_contact", "a-live", false],
        ["registrations.unregister", null, false],
      ],
    );
    assert.equal(audit[0].target, "location alice@example.com sip:alice@192.0.2.10:5060");
  });

  test("listing does not write to the audit log", async () => {
    const { caller, ctx } = await callerFor(t.db, "admin");
    await caller.registrations.list({});
    await caller.dashboard.node({ id: liveId });
    const rows = await t.db.select().from(sbAudit).where(like(sbAudit.username, ctx.session!.username));
    assert.equal(rows.length, 0);
  });
});

describe("dashboard", () => {
  test("lists the enabled nodes only", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    assert.deepEqual(
      (await caller.dashboard.nodes()).map((n) => n.name),
      ["a-live", "b-dead"],
    );
  });

  test("a live node's card: version, uptime, users, contacts, transactions, counters, memory", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const s = await caller.dashboard.node({ id: liveId });
    assert.deepEqual(
      {
        ok: s.ok,
        version: s.version,
        uptime: s.uptime,
        users: s.users,
        contacts: s.contacts,
        tx: s.activeTransactions,
        rcv: s.rcvRequests,
        fwd: s.fwdRequests,
        shm: s.shm,
        warnings: s.warnings,
      },
      {
        ok: true,
        version: "kamailio 6.1.0 (x86_64/linux)",
        uptime: 66,
        users: 2,
        contacts: 3,
        tx: 4,
        rcv: 565,
        fwd: 150,
        shm: { used: 2584232, realUsed: 2828952, maxUsed: 4289504, free: 265606504, total: 268435456 },
        warnings: [],
      },
    );
  });

  test("an unreachable node's card carries the error instead of failing the request", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const s = await caller.dashboard.node({ id: deadId });
    assert.equal(s.ok, false);
    assert.equal(s.name, "b-dead");
    assert.match(s.error ?? "", /ECONNREFUSED|refused|connect/i);
    assert.equal(s.version, null);
  });

  test("a command a node lacks blanks only its own values and is reported as a warning", () => {
    const ok = (result: unknown) => ({ node: "n", ok: true, result });
    const s = nodeStatusFrom(
      { id: 1, name: "n", kind: "sipd", url: "http://127.0.0.1:5071/RPC" },
      {
        version: ok("sipd 0.1.0"),
        uptime: ok({ uptime: 5 }),
        stats: ok({
          "usrloc.location_users": "1",
          "usrloc.location_contacts": "2",
          "core.rcv_requests": "9",
        }),
        tm: { node: "n", ok: false, error: "Method Not Found" },
      },
      0,
    );
    assert.deepEqual(
      [s.ok, s.users, s.contacts, s.rcvRequests, s.activeTransactions, s.shm, s.warnings],
      [true, 1, 2, 9, null, null, ["tm.stats: Method Not Found"]],
    );
  });

  test("requests per second between two polls; none across a counter reset", () => {
    assert.equal(ratePerSecond(null, { at: 1000, value: 10 }), null);
    assert.equal(ratePerSecond({ at: 1000, value: 10 }, { at: 6000, value: 60 }), 10);
    assert.equal(ratePerSecond({ at: 1000, value: 60 }, { at: 6000, value: 5 }), null);
    assert.equal(ratePerSecond({ at: 1000, value: 60 }, { at: 1000, value: 60 }), null);
  });
});

test("transport of a contact: socket protocol first, then the URI's transport parameter or scheme", () => {
  assert.equal(transportOf({ socket: "tls:10.0.0.1:5061", contact: "sip:a@b" }), "TLS");
  assert.equal(transportOf({ socket: null, contact: "sip:a@b;transport=ws" }), "WS");
  assert.equal(transportOf({ socket: null, contact: "sips:a@b" }), "TLS");
  assert.equal(transportOf({ socket: null, contact: "sip:a@b" }), "UDP");
  assert.equal(summarizeContacts([]).contactsPerUser.length, 4);
});
