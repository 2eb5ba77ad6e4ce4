import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { schema } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { RpcRegistry } from "@switchboard/rpc";
import { rpcCall, rpcFault } from "../shared/testing.ts";
import { DomainModule } from "./index.ts";

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
  await tdb.db.insert(schema.domain).values([
    { domain: "a.example", did: "tenant-a" },
    { domain: "alias-a.example", did: "tenant-a" },
    { domain: "b.example", did: null },
  ]);
  await tdb.db.insert(schema.domainAttrs).values([
    { did: "tenant-a", name: "pstn_gw", type: 2, value: "192.0.2.5" },
    { did: "tenant-a", name: "max_calls", type: 0, value: "10" },
    { did: "tenant-a", name: "max_calls", type: 0, value: "ten" },
  ]);
});
after(async () => {
  await tdb?.drop();
});

test("is_domain_local and lookup_domain with dids and typed attributes", async () => {
  const d = new DomainModule({ db: tdb.db });
  const report = await d.load();
  assert.equal(report.issues.length, 1, "the non-integer value is reported");
  assert.ok(d.isDomainLocal("A.Example"));
  assert.ok(d.isDomainLocal("b.example"));
  assert.ok(!d.isDomainLocal("c.example"));
  const a = d.lookupDomain("alias-a.example")!;
  assert.equal(a.did, "tenant-a");
  assert.deepEqual(Object.fromEntries(a.attrs), { pstn_gw: ["192.0.2.5"], max_calls: [10] });
  assert.equal(d.lookupDomain("b.example")?.did, "b.example", "no did: the domain is its own did");
});

test("domain.dump and domain.reload answer like Kamailio; the dump faults before the first load", async () => {
  const d = new DomainModule({ db: tdb.db });
  const reg = new RpcRegistry();
  d.registerRpc(reg);
  assert.equal(await rpcFault(reg, "domain.dump", []), "404 Server Domain Cache Empty");
  const reload = (await rpcCall(reg, "domain.reload")) as { warnings?: string[] };
  assert.match(reload.warnings?.[0] ?? "", /integer value expected/);
  assert.deepEqual(await rpcCall(reg, "domain.dump"), {
    domains: [
      { domain: "a.example", did: "tenant-a" },
      { domain: "alias-a.example", did: "tenant-a" },
      { domain: "b.example", did: "b.example" },
    ],
    attributes: [{ did: "tenant-a", attrs: ["pstn_gw", "max_calls"] }],
  });
  await tdb.db.insert(schema.domain).values({ domain: "c.example", did: null });
  await rpcCall(reg, "domain.reload");
  assert.ok(d.isDomainLocal("c.example"));
});
