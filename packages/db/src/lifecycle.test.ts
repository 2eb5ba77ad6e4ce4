import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import mysql from "mysql2/promise";
import { ensureDatabase, MariaDbMissingError } from "./lifecycle.ts";

describe("database lifecycle", () => {
  it("starts a project-local MariaDB when no server answers, and stops it", { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sb-lifecycle-"));
    try {
      // Port 1 on loopback is closed and there is no socket: nothing is reachable.
      const handle = await ensureDatabase({
        url: "",
        dataDir,
        hostProbe: { host: "127.0.0.1", port: 1, socketPath: join(dataDir, "none.sock") },
      });
      assert.equal(handle.source, "local");
      const conn = await mysql.createConnection({ uri: handle.url });
      const [rows] = await conn.query("SELECT DATABASE() AS db");
      assert.equal((rows as { db: string }[])[0].db, "switchboard");
      await conn.end();
      await handle.stop();
      await assert.rejects(mysql.createConnection({ uri: handle.url, connectTimeout: 1000 }));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("names apt-get, docker compose and DATABASE_URL when MariaDB is not installed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sb-lifecycle-"));
    try {
      await assert.rejects(
        ensureDatabase({
          url: "",
          dataDir,
          hostProbe: { host: "127.0.0.1", port: 1 },
          mariadbd: "/nonexistent/mariadbd",
        }),
        (e: Error) =>
          e instanceof MariaDbMissingError &&
          e.message.includes("apt-get install -y mariadb-server") &&
          e.message.includes("docker compose") &&
          e.message.includes("DATABASE_URL"),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a bad DATABASE_URL gives one readable error", async () => {
    await assert.rejects(
      ensureDatabase({ url: "postgres://x@y/z" }),
      /invalid DATABASE_URL: scheme postgres:/,
    );
    await assert.rejects(
      ensureDatabase({ url: "mysql://u:p@127.0.0.1:1/db" }),
      /database 127\.0\.0\.1:1 unreachable/,
    );
  });

  it("reuses a MariaDB already running on the host with a dedicated app user", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sb-lifecycle-"));
    try {
      // A user of its own, so that the shared `switchboard` account of concurrent tests is untouched.
      const handle = await ensureDatabase({
        url: "",
        dataDir,
        database: "switchboard_test_lifecycle",
        appUser: "switchboard_lc_test",
      });
      assert.equal(handle.source, "host");
      assert.match(handle.url, /^mysql:\/\/switchboard_lc_test:/);
      const conn = await mysql.createConnection({ uri: handle.url });
      await conn.query("DROP DATABASE switchboard_test_lifecycle");
      await conn.end();
      const root = await mysql.createConnection({
        host: "127.0.0.1",
        port: 3306,
        user: "root",
        password: "",
      });
      for (const h of ["localhost", "127.0.0.1", "::1"])
        await root.query("DROP USER IF EXISTS ?@?", ["switchboard_lc_test", h]);
      await root.end();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
