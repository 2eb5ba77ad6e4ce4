/**
 * The registrar of the default script with real sipp UAs: digest failures, de-registration
 * (Expires: 0 and Contact: *), REGISTER over TCP, and bindings that survive a restart of sipd
 * (usrloc db_mode 2 write-back and 1 write-through).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRpcClient, RpcFaultError } from "@switchboard/rpc";
import { authRow, freeUdpTcpPort, runSipp, startTestSipd, type TestSipd } from "./testing/harness.ts";
import { mustMatch, type RegisterOptions, registerScenario, scenarioDir } from "./testing/scenarios.ts";

const files = scenarioDir();
after(() => files.cleanup());
let seq = 0;

async function register(
  t: TestSipd,
  user: string,
  o: RegisterOptions & { password?: string; port?: number; transport?: "u1" | "t1" } = {},
) {
  const r = await runSipp({
    scenario: files.write(`register-${++seq}.xml`, registerScenario(o)),
    port: t.port,
    inject: [authRow(user, o.password)],
    calls: 1,
    localPort: o.port ?? (await freeUdpTcpPort()),
    transport: o.transport,
    timeoutSec: 15,
  });
  assert.equal(r.successful, 1, r.output);
  assert.equal(r.failed, 0, r.output);
}

interface LookupAnswer {
  AoR: string;
  Contacts: { Contact: { Address: string; Expires: number } }[];
}

function lookup(t: TestSipd, aor: string): Promise<LookupAnswer> {
  return createRpcClient({ url: t.rpcUrl, protocol: "jsonrpc" }).callRaw("ul.lookup", [
    "location",
    aor,
  ]) as Promise<LookupAnswer>;
}

async function assertNotFound(t: TestSipd, aor: string): Promise<void> {
  await assert.rejects(
    lookup(t, aor),
    (e: unknown) => e instanceof RpcFaultError && /AOR not found/.test(e.faultString),
  );
}

describe("sipd registrar with sipp", () => {
  let t: TestSipd;
  before(async () => {
    t = await startTestSipd();
  });
  after(() => t.stop());

  it("a REGISTER with a wrong password gets 401 again", async () => {
    await register(t, "alice", { password: "not-alice-pass", expect: 401 });
    await assertNotFound(t, "alice");
  });

  it("unregister (Expires: 0) removes the contact", async () => {
    const port = await freeUdpTcpPort();
    await register(t, "bob", { port });
    const found = await lookup(t, "bob");
    assert.deepEqual(
      found.Contacts.map((c) => c.Contact.Address),
      [`sip:bob@127.0.0.1:${port};transport=UDP`],
    );
    await register(t, "bob", { port, expires: 0 });
    await assertNotFound(t, "bob");
  });

  it("Contact: * with Expires: 0 removes every binding of the AoR", async () => {
    await register(t, "carol");
    await register(t, "carol");
    assert.equal((await lookup(t, "carol")).Contacts.length, 2);
    await register(t, "carol", { contact: "*", expires: 0 });
    await assertNotFound(t, "carol");
  });

  it("REGISTER over TCP works and the binding keeps transport=TCP", async () => {
    await register(t, "dave", {
      transport: "t1",
      finalChecks: mustMatch("^[[:space:]]*<sip:dave@127\\.0\\.0\\.1:[0-9]+;transport=TCP>", {
        header: "Contact:",
      }),
    });
    const found = await lookup(t, "dave");
    assert.match(found.Contacts[0].Contact.Address, /;transport=TCP$/);
  });
});

for (const dbMode of [2, 1] as const) {
  describe(`sipd restart with usrloc db_mode ${dbMode}`, () => {
    let first: TestSipd;
    let second: TestSipd | undefined;
    before(async () => {
      first = await startTestSipd({ usrloc: { dbMode } });
    });
    after(async () => {
      if (second) await second.stop();
      else await first.stop();
    });

    it("a contact registered before a restart is still found by lookup after it", async () => {
      const port = await freeUdpTcpPort();
      await register(first, "erin", { port });
      await first.stop({ drop: false });
      second = await startTestSipd({ usrloc: { dbMode } }, { tdb: first.tdb });
      const found = await lookup(second, "erin");
      assert.deepEqual(
        found.Contacts.map((c) => c.Contact.Address),
        [`sip:erin@127.0.0.1:${port};transport=UDP`],
      );
      assert.ok(found.Contacts[0].Contact.Expires > 3000, JSON.stringify(found));
    });
  });
}
