import assert from "node:assert/strict";
import { createServer, type Server, Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { createDb, type DbHandle } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { buildAccRow } from "./entry.ts";
import { AccWriter } from "./writer.ts";

/** A TCP relay to MariaDB that can be switched off: every connection is cut and new ones are refused. */
class Relay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private up = true;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly target: number,
  ) {
    this.server = createServer((client) => {
      if (!this.up) return client.destroy();
      const upstream = new Socket();
      this.track(client);
      this.track(upstream);
      upstream.connect(this.target, this.host);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
  }

  private track(s: Socket) {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
  }

  listen(): Promise<void> {
    return new Promise((res) =>
      this.server.listen(0, "127.0.0.1", () => {
        this.port = (this.server.address() as { port: number }).port;
        res();
      }),
    );
  }

  down() {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  resume() {
    this.up = true;
  }

  close(): Promise<void> {
    this.down();
    return new Promise((res) => this.server.close(() => res()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await sleep(20);
  }
}

const entry = (i: number, method = "INVITE") =>
  buildAccRow({
    method,
    fromTag: `f${i}`,
    toTag: `t${i}`,
    callid: `writer-${i}`,
    code: 200,
    reason: "OK",
    srcUser: "alice",
    dstUser: "bob",
  });

describe("AccWriter against a database that goes away", () => {
  let tdb: TestDatabase;
  let relay: Relay;
  let viaRelay: DbHandle;
  const logs: string[] = [];

  before(async () => {
    tdb = await createTestDatabase();
    const url = new URL(tdb.url);
    relay = new Relay(url.hostname, Number(url.port || 3306));
    await relay.listen();
    url.host = `127.0.0.1:${relay.port}`;
    viaRelay = createDb(url.toString(), { connectionLimit: 2 });
  });
  after(async () => {
    await viaRelay?.close().catch(() => undefined);
    await relay?.close();
    await tdb?.drop();
  });

  const count = async (table: string) => {
    const [r] = await tdb.pool.query(`SELECT COUNT(*) n, COUNT(DISTINCT callid) d FROM ${table}`);
    const [{ n, d }] = r as { n: number; d: number }[];
    return { n: Number(n), distinct: Number(d) };
  };

  test("rows recorded while MariaDB is unreachable are all written after it comes back", async () => {
    const writer = new AccWriter({
      db: viaRelay.db,
      params: { flush_interval: 5, batch_size: 100, retry_min: 50, retry_max: 200 },
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    for (let i = 0; i < 300; i++) writer.record(entry(i));
    assert.equal(await writer.flush(), true);
    assert.equal((await count("acc")).n, 300);

    relay.down();
    for (let i = 300; i < 1300; i++) {
      writer.record(entry(i), i % 10 === 0 ? "missed_calls" : "acc");
      if (i % 250 === 0) await sleep(50);
    }
    await until(() => writer.counters.retries >= 2);
    assert.equal(writer.counters.pending, 1000);
    await sleep(1500);
    assert.equal(writer.counters.pending, 1000, "nothing is lost or written while down");

    relay.resume();
    assert.equal(await writer.flush(20_000), true);
    const accRows = await count("acc");
    const missed = await count("missed_calls");
    assert.equal(accRows.n, 1200);
    assert.equal(accRows.distinct, 1200);
    assert.equal(missed.n, 100);
    const c = writer.counters;
    assert.equal(c.pending, 0);
    assert.equal(c.written, 1300);
    assert.equal(c.dropped, 0);
    assert.ok(c.retries >= 2);
    assert.ok(logs.some((l) => l.startsWith("warn: database write failed")));
    assert.ok(logs.some((l) => l.startsWith("info: database writes resumed")));
    await writer.close();
  });

  test("past max_pending new rows are dropped and counted", async () => {
    const writer = new AccWriter({
      db: viaRelay.db,
      params: { flush_interval: 5, max_pending: 10, retry_min: 50, retry_max: 100 },
      log: () => undefined,
    });
    relay.down();
    for (let i = 0; i < 15; i++) writer.record(entry(5000 + i));
    assert.equal(writer.counters.pending, 10);
    assert.equal(writer.counters.dropped, 5);
    relay.resume();
    assert.equal(await writer.close(20_000), true);
    assert.equal(writer.counters.written, 10);
  });

  test("a row the server refuses is logged and skipped; the rest of its batch is written", async () => {
    const refused: string[] = [];
    const writer = new AccWriter({
      db: viaRelay.db,
      params: { flush_interval: 1000 },
      log: (level, msg) => level === "error" && refused.push(msg),
    });
    const before = (await count("acc")).n;
    writer.record(entry(9000));
    writer.record({ ...entry(9001), time: "not a datetime" });
    writer.record(entry(9002));
    assert.equal(await writer.close(), true);
    assert.equal((await count("acc")).n, before + 2);
    assert.equal(writer.counters.rejected, 1);
    assert.equal(refused.length, 1);
    assert.match(refused[0], /writer-9001/);
  });
});
