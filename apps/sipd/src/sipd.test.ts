import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { subscriber, subscriberHashes } from "@switchboard/db";
import { createRpcClient } from "@switchboard/rpc";
import { authRow, DOMAIN, runSipp, startTestSipd, type TestSipd } from "./testing/harness.ts";

describe("sipd registrar with sipp", () => {
  let t: TestSipd;
  before(async () => {
    t = await startTestSipd();
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const username = `u${100000 + i}`;
      return { username, domain: DOMAIN, password: "", ...subscriberHashes(username, DOMAIN, `pw${i}`) };
    });
    for (let i = 0; i < rows.length; i += 250)
      await t.tdb.db.insert(subscriber).values(rows.slice(i, i + 250));
  });
  after(async () => t.stop());

  it("REGISTER with digest auth for 1,000 subscribers from an injection file: all 200", async () => {
    const inject = Array.from({ length: 1000 }, (_, i) => authRow(`u${100000 + i}`, `pw${i}`));
    const r = await runSipp({
      scenario: "register-auth.xml",
      port: t.port,
      inject,
      calls: 1000,
      rate: 250,
      args: ["-l", "200"],
    });
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.successful, 1000, r.output);
    const ul = createRpcClient({ url: t.rpcUrl, protocol: "jsonrpc" });
    const stats = (await ul.callRaw("stats.get_statistics", ["usrloc:registered_users"])) as string[];
    assert.ok(
      stats.some((l) => /registered_users = (\d+)/.exec(l) && Number(/= (\d+)/.exec(l)![1]) >= 1000),
      String(stats),
    );
  });
});
