import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { location } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcError, RpcRegistry } from "@switchboard/rpc";
import { eq } from "drizzle-orm";
import { makeBinding, manualClock } from "./testing.ts";
import { Usrloc } from "./usrloc.ts";

const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };

/** Member order of one contact in Kamailio 6.x's ul.dump / ul.lookup. */
const CONTACT_KEYS = [
  "Address",
  "Expires",
  "Q",
  "Call-ID",
  "CSeq",
  "User-Agent",
  "Received",
  "Path",
  "State",
  "Flags",
  "CFlags",
  "Socket",
  "Methods",
  "Ruid",
  "Instance",
  "Reg-Id",
  "Server-Id",
  "Tcpconn-Id",
  "Keepalive",
  "Last-Keepalive",
  "KA-Roundtrip",
  "Last-Modified",
];

function setup(opts: { use_domain?: 0 | 1 } = {}) {
  const clock = manualClock();
  const ul = new Usrloc({ params: { use_domain: opts.use_domain ?? 0 }, now: clock.now });
  const registry = new RpcRegistry();
  ul.registerRpc(registry);
  const call = (name: string, ...params: unknown[]) => registry.get(name)!.handler(params, ctx);
  return { ul, clock, call, loc: ul.domain("location") };
}

async function fault(p: unknown, code: number, message: string) {
  await assert.rejects(Promise.resolve(p), (e: unknown) => {
    assert.ok(e instanceof RpcError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe("ul.dump / ul.lookup", () => {
  test("ul.dump has Kamailio's structure: Domains[].Domain{Domain,Size,AoRs[].Info{AoR,HashID,Contacts},Stats}", async () => {
    const { loc, clock, call } = setup();
    const now = clock.sec();
    await loc.transact("user0999", () => ({
      ops: [
        {
          op: "insert",
          contact: makeBinding("user0999", "sip:user0999@127.0.0.1:5070", now, {
            expires: now + 3566,
            callid: "1-693@127.0.0.1",
            cseq: 2,
            userAgent: "sipp-bench",
            socket: "udp:127.0.0.1:5080",
            ruid: "uloc-6b02edf4-735b-1",
          }),
        },
      ],
    }));
    const res = (await call("ul.dump")) as { Domains: Array<{ Domain: Record<string, unknown> }> };
    assert.deepEqual(Object.keys(res), ["Domains"]);
    const dom = res.Domains[0].Domain;
    assert.deepEqual(Object.keys(dom), ["Domain", "Size", "AoRs", "Stats"]);
    assert.equal(dom.Domain, "location");
    assert.equal(dom.Size, 1024);
    assert.deepEqual(dom.Stats, { Records: 1, "Max-Slots": 1 });
    const aors = dom.AoRs as Array<{
      Info: { AoR: string; HashID: number; Contacts: Array<{ Contact: object }> };
    }>;
    assert.deepEqual(Object.keys(aors[0]), ["Info"]);
    assert.deepEqual(Object.keys(aors[0].Info), ["AoR", "HashID", "Contacts"]);
    assert.equal(aors[0].Info.AoR, "user0999");
    assert.equal(aors[0].Info.HashID, 2989948315);
    const contact = aors[0].Info.Contacts[0].Contact;
    assert.deepEqual(Object.keys(contact), CONTACT_KEYS);
    assert.deepEqual(contact, {
      Address: "sip:user0999@127.0.0.1:5070",
      Expires: 3566,
      Q: -1,
      "Call-ID": "1-693@127.0.0.1",
      CSeq: 2,
      "User-Agent": "sipp-bench",
      Received: "[not set]",
      Path: "[not set]",
      State: "CS_NEW",
      Flags: 0,
      CFlags: 0,
      Socket: "udp:127.0.0.1:5080",
      Methods: 4294967295,
      Ruid: "uloc-6b02edf4-735b-1",
      Instance: "[not set]",
      "Reg-Id": 0,
      "Server-Id": 0,
      "Tcpconn-Id": -1,
      Keepalive: 0,
      "Last-Keepalive": now,
      "KA-Roundtrip": 0,
      "Last-Modified": now,
    });
    assert.deepEqual(await call("ul.dump", "brief"), {
      Domains: [
        {
          Domain: {
            Domain: "location",
            Size: 1024,
            AoRs: [{ AoR: "user0999" }],
            Stats: { Records: 1, "Max-Slots": 1 },
          },
        },
      ],
    });
  });

  test("an empty table dumps AoRs [] and zero stats; expired and permanent bindings are labelled", async () => {
    const { loc, clock, call } = setup();
    assert.deepEqual(await call("ul.dump"), {
      Domains: [
        { Domain: { Domain: "location", Size: 1024, AoRs: [], Stats: { Records: 0, "Max-Slots": 0 } } },
      ],
    });
    const now = clock.sec();
    await loc.transact("x", () => ({
      ops: [
        { op: "insert", contact: makeBinding("x", "sip:x@a", now, { expires: now + 10 }) },
        { op: "insert", contact: makeBinding("x", "sip:x@b", now, { expires: 0 }) },
      ],
    }));
    clock.advance(20);
    const dump = (await call("ul.dump")) as {
      Domains: Array<{
        Domain: { AoRs: Array<{ Info: { Contacts: Array<{ Contact: { Expires: unknown } }> } }> };
      }>;
    };
    const expires = dump.Domains[0].Domain.AoRs[0].Info.Contacts.map((c) => c.Contact.Expires).sort();
    assert.deepEqual(expires, ["expired", "permanent"]);
    // ul.lookup lists only valid bindings.
    const lookup = (await call("ul.lookup", "location", "x")) as { AoR: string; Contacts: unknown[] };
    assert.deepEqual(Object.keys(lookup), ["AoR", "Contacts"]);
    assert.equal(lookup.Contacts.length, 1);
  });

  test("ul.lookup returns {AoR, Contacts} and Kamailio's faults", async () => {
    const { loc, clock, call } = setup();
    await loc.transact("alice", () => ({
      ops: [
        {
          op: "insert",
          contact: makeBinding("alice", "sip:alice@h", clock.sec(), { expires: clock.sec() + 5 }),
        },
      ],
    }));
    const res = (await call("ul.lookup", "location", "alice@example.com")) as {
      AoR: string;
      Contacts: Array<{ Contact: object }>;
    };
    assert.equal(res.AoR, "alice", "without use_domain the domain is cut");
    assert.deepEqual(Object.keys(res.Contacts[0].Contact), CONTACT_KEYS);
    await fault(call("ul.lookup", "nosuch", "alice"), 500, "Domain table not found");
    await fault(call("ul.lookup", "location", "bob"), 500, "AOR not found in location table");
    await fault(call("ul.lookup", "location"), 500, "Not enough parameters (table and AOR to lookup)");
    clock.advance(10);
    await fault(call("ul.lookup", "location", "alice"), 500, "AOR has no contacts");
  });

  test("with use_domain the AoR must carry a domain", async () => {
    const { call } = setup({ use_domain: 1 });
    await fault(call("ul.lookup", "location", "alice"), 500, "Domain missing in AOR");
  });
});

describe("ul.add / ul.rm / ul.rm_contact / ul.flush", () => {
  test("ul.add inserts a binding, updates it when the contact exists, and treats path '0' as unset", async () => {
    const { loc, clock, call } = setup();
    assert.equal(
      await call("ul.add", "location", "carol", "sip:carol@10.0.0.1", 120, 0.5, "0", 0, 0, 4294967295),
      undefined,
    );
    let [b] = await loc.get("carol");
    assert.equal(b.expires, clock.sec() + 120);
    assert.equal(b.q, 0.5);
    assert.equal(b.path, "");
    assert.equal(b.callid, "dfjrewr12386fd6-343@kamailio.rpc");
    // Numeric params may come as strings (XML-RPC/CLI clients); expires 0 makes it permanent.
    await call(
      "ul.add",
      "location",
      "carol",
      "sip:carol@10.0.0.1",
      "0",
      "1",
      "<sip:p;lr>",
      "0",
      "64",
      "7135",
      "sip:192.0.2.1:5060",
    );
    const list = await loc.get("carol");
    assert.equal(list.length, 1);
    [b] = list;
    assert.equal(b.expires, 0);
    assert.equal(b.path, "<sip:p;lr>");
    assert.equal(b.cflags, 64);
    assert.equal(b.methods, 7135);
    assert.equal(b.received, "sip:192.0.2.1:5060");
    await fault(
      call("ul.add", "location", "carol", "sip:x", "soon", 1, "0", 0, 0, 0),
      500,
      "Not enough parameters or wrong format",
    );
  });

  test("ul.rm removes the whole AoR; ul.rm_contact one binding, with 404 faults", async () => {
    const { loc, clock, call } = setup();
    const now = clock.sec();
    await loc.transact("dave", () => ({
      ops: [
        { op: "insert", contact: makeBinding("dave", "sip:dave@a", now) },
        { op: "insert", contact: makeBinding("dave", "sip:dave@b", now) },
      ],
    }));
    await fault(call("ul.rm_contact", "location", "nobody", "sip:dave@a"), 404, "AOR not found");
    await fault(call("ul.rm_contact", "location", "dave", "sip:dave@zz"), 404, "Contact not found");
    assert.equal(await call("ul.rm_contact", "location", "dave", "sip:dave@a"), undefined);
    assert.deepEqual(
      (await loc.get("dave")).map((c) => c.contact),
      ["sip:dave@b"],
    );
    assert.equal(await call("ul.rm", "location", "dave"), undefined);
    assert.equal((await loc.get("dave")).length, 0);
    assert.equal(
      await call("ul.rm", "location", "dave"),
      undefined,
      "removing an unknown AoR is not an error",
    );
  });
});

describe("ul.* against the table", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => {
    await tdb?.drop();
  });

  test("ul.flush writes write-back bindings now; ul.dump in db_mode 3 reads the table", async () => {
    const clock = manualClock();
    const wb = new Usrloc({ params: { db_mode: 2 }, db: tdb.db, now: clock.now });
    const registry = new RpcRegistry();
    wb.registerRpc(registry);
    await registry.get("ul.add")!.handler(["location", "erin", "sip:erin@h", 60, -1, ".", 0, 0, 0], ctx);
    const rows = () => tdb.db.select().from(location).where(eq(location.username, "erin"));
    assert.equal((await rows()).length, 0);
    await registry.get("ul.flush")!.handler([], ctx);
    assert.equal((await rows()).length, 1);

    const only = new Usrloc({ params: { db_mode: 3 }, db: tdb.db, now: clock.now });
    const reg3 = new RpcRegistry();
    only.registerRpc(reg3);
    const dump = (await reg3.get("ul.dump")!.handler(["brief"], ctx)) as {
      Domains: Array<{ Domain: { AoRs: unknown } }>;
    };
    assert.deepEqual(dump.Domains[0].Domain.AoRs, [{ AoR: "erin" }]);
    const lookup = (await reg3.get("ul.lookup")!.handler(["location", "erin"], ctx)) as {
      Contacts: Array<{ Contact: { State: string } }>;
    };
    assert.equal(lookup.Contacts[0].Contact.State, "CS_SYNC");
  });
});
