/**
 * The credential cache while the database is down (issue 8 item 6: calls keep routing from memory):
 * an expired entry keeps serving, an unknown or invalidated user is not made up.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb, subscriber, subscriberHashes } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { manualClock } from "../usrloc/testing.ts";
import { SubscriberCache } from "./credentials.ts";
import { resolveAuthDbParams } from "./params.ts";

describe("SubscriberCache when the database fails", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
    await tdb.db.insert(subscriber).values([
      {
        username: "alice",
        domain: "example.com",
        password: "",
        ...subscriberHashes("alice", "example.com", "a"),
      },
      {
        username: "bob",
        domain: "example.com",
        password: "",
        ...subscriberHashes("bob", "example.com", "b"),
      },
    ]);
  });
  after(() => tdb.drop());

  it("serves expired entries, rejects users it never read, and forgets invalidated ones", async () => {
    const clock = manualClock();
    const handle = createDb(tdb.url);
    const cache = new SubscriberCache(handle.db, resolveAuthDbParams({ cache_ttl: 60 }), clock.now);
    const alice = await cache.get("alice", "example.com");
    const bob = await cache.get("bob", "example.com");
    assert.ok(alice.row && bob.row);
    await handle.close(); // every query fails from now on

    clock.advance(61);
    assert.deepEqual((await cache.get("alice", "example.com")).row, alice.row, "expired entry served");
    clock.advance(3600);
    assert.deepEqual(
      (await cache.get("alice", "example.com", clock.now())).row,
      alice.row,
      "forced re-read too",
    );
    await assert.rejects(cache.get("carol", "example.com"), "never read: no credentials to serve");
    cache.invalidate("bob");
    await assert.rejects(cache.get("bob", "example.com"), "invalidated: not served from memory");
  });
});
