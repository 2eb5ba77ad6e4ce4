import assert from "node:assert/strict";
import { test } from "node:test";
import { createDb } from "@switchboard/db";
import { duplicateKeyName } from "./errors";
import { createCaller, testContext } from "./testing";

test("the unique index is read from MariaDB's duplicate-entry message, with or without the table prefix", () => {
  assert.equal(duplicateKeyName("Duplicate entry 'alice-example.com' for key 'account_idx'"), "account_idx");
  assert.equal(duplicateKeyName("Duplicate entry 'x' for key 'subscriber.account_idx'"), "account_idx");
  assert.equal(duplicateKeyName("something else"), null);
});

test("a database that cannot be reached gives SERVICE_UNAVAILABLE 'database unavailable', not a stack", async () => {
  // Port 1 on loopback refuses connections: the same failure as a stopped MariaDB.
  const down = createDb("mysql://nobody:nothing@127.0.0.1:1/none", { connectionLimit: 1 });
  try {
    const ctx = await testContext(down.db, { role: null });
    ctx.session = {
      id: "x",
      adminId: 1,
      username: "someone",
      role: "admin",
      csrfToken: "t",
      expiresAt: "2099-01-01 00:00:00",
      totpEnabled: false,
    };
    ctx.req.csrfToken = "t";
    const caller = createCaller(ctx);
    await assert.rejects(caller.subscribers.list({}), {
      code: "SERVICE_UNAVAILABLE",
      message: /^database unavailable \(ECONNREFUSED\)/,
    });
    await assert.rejects(
      caller.subscribers.create({ username: "a", domain: "example.com", password: "secret1" }),
      {
        code: "SERVICE_UNAVAILABLE",
      },
    );
  } finally {
    await down.close();
  }
});
