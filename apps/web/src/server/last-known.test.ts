import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb, sbNode } from "@switchboard/db";
import { startDbRelay } from "@switchboard/db/relay";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { createAdmin } from "./auth/admins";
import { createSession, deleteSession, hashToken, loadSession } from "./auth/session";
import { enabledNodes } from "./nodes/broadcast";

describe("a database outage keeps sessions and the node list (last known), nothing else", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase();
  });
  after(async () => tdb.drop());

  it("a logged-in operator stays logged in and the RPC pages keep their node list while MariaDB is away", async () => {
    const relay = await startDbRelay(tdb.url);
    const viaRelay = createDb(relay.url);
    try {
      const adminId = await createAdmin(tdb.db, {
        username: "outage-op",
        password: "a-long-password-1",
        role: "operator",
      });
      const { token } = await createSession(tdb.db, adminId, { ip: "127.0.0.1", userAgent: "test" });
      await tdb.db
        .insert(sbNode)
        .values({ name: "n1", url: "http://127.0.0.1:1/RPC", protocol: "jsonrpc", kind: "sipd" });
      assert.equal((await loadSession(viaRelay.db, token))?.username, "outage-op");
      assert.deepEqual(
        (await enabledNodes(viaRelay.db)).map((n) => n.name),
        ["n1"],
      );

      relay.cut();
      assert.equal(
        (await loadSession(viaRelay.db, token))?.username,
        "outage-op",
        "the session survives the outage",
      );
      assert.deepEqual(
        (await enabledNodes(viaRelay.db)).map((n) => n.name),
        ["n1"],
      );
      await assert.rejects(loadSession(viaRelay.db, "never-seen-token"), "an unknown cookie is not let in");

      relay.restore();
      await deleteSession(viaRelay.db, hashToken(token));
      assert.equal(
        await loadSession(viaRelay.db, token),
        null,
        "logout is not undone by the remembered session",
      );
      relay.cut();
      assert.equal(
        await loadSession(viaRelay.db, token),
        null,
        "a logged-out session is not served from memory",
      );
    } finally {
      relay.restore();
      await viaRelay.close();
      await relay.close();
    }
  });
});
