import assert from "node:assert/strict";
import dgram from "node:dgram";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { createRpcDatagramServer, type RpcDatagramServer } from "./dgram.ts";
import type { RpcServerEvent } from "./server.ts";
import { sampleRegistry } from "./testing.ts";

/** Sends one datagram and waits (bounded) for one answer; undefined when none comes. */
async function ask(port: number, host: string, text: string, waitMs = 2000): Promise<string | undefined> {
  const sock = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    sock.send(text, port, host);
    const timer = new Promise<undefined>((resolve) => setTimeout(resolve, waitMs, undefined).unref());
    const answer = once(sock, "message").then(([msg]) => (msg as Buffer).toString("utf8"));
    return await Promise.race([answer, timer]);
  } finally {
    sock.close();
  }
}

describe("JSON-RPC over UDP", () => {
  let srv: RpcDatagramServer;
  const events: RpcServerEvent[] = [];
  before(async () => {
    const registry = sampleRegistry();
    registry.register({ name: "t.huge", doc: "", handler: () => "x".repeat(70_000) });
    srv = await createRpcDatagramServer({ registry, listen: "127.0.0.1:0", log: (e) => events.push(e) });
  });
  after(() => srv.close());

  it("answers a request datagram to the sender, like jsonrpcs' datagram transport", async () => {
    const answer = await ask(srv.port, "127.0.0.1", '{"jsonrpc":"2.0","method":"core.version","id":5}');
    assert.deepEqual(JSON.parse(answer ?? ""), {
      jsonrpc: "2.0",
      result: "switchboard-test 0.1.0 (x86_64/linux)",
      id: 5,
    });
    const missing = await ask(srv.port, "127.0.0.1", '{"jsonrpc":"2.0","method":"no.such","id":6}');
    assert.deepEqual(JSON.parse(missing ?? "").error, { code: 500, message: "Method Not Found" });
  });

  it("replaces an answer larger than one datagram with fault 500 Reply Too Large", async () => {
    const answer = await ask(srv.port, "127.0.0.1", '{"jsonrpc":"2.0","method":"t.huge","id":7}');
    assert.deepEqual(JSON.parse(answer ?? ""), {
      jsonrpc: "2.0",
      error: { code: 500, message: "Reply Too Large" },
      id: 7,
    });
  });

  it("drops datagrams from sources outside the allow-list and logs them", async () => {
    const strict = await createRpcDatagramServer({
      registry: sampleRegistry(),
      listen: "127.0.0.1:0",
      allow: ["10.0.0.0/8"],
      log: (e) => events.push(e),
    });
    try {
      const answer = await ask(
        strict.port,
        "127.0.0.1",
        '{"jsonrpc":"2.0","method":"core.version","id":1}',
        300,
      );
      assert.equal(answer, undefined);
      assert.ok(events.some((e) => e.type === "denied" && e.reason === "source" && e.path === "udp"));
    } finally {
      await strict.close();
    }
  });
});
