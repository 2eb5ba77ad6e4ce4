/**
 * The typed client against Kamailio's real answers (src/fixtures, served over real sockets by a tiny HTTP server)
 * and against this package's own server. Over XML-RPC the fixture server sends the value of the JSON fixture
 * serialized as Kamailio would (core.version, trustedDump and the fault come from their own XML fixtures).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createRpcClient, type RpcNode, rpcCall } from "./client.ts";
import {
  RpcFaultError,
  RpcForbiddenError,
  RpcMethodNotFoundError,
  RpcProtocolError,
  RpcTimeoutError,
  RpcUnreachableError,
} from "./errors.ts";
import {
  normalizeDispatcherList,
  normalizeTrustedDump,
  normalizeUlDump,
  normalizeUlLookup,
  parseStats,
} from "./normalize.ts";
import { createRpcServer, type RpcServer } from "./server.ts";
import { sampleRegistry } from "./testing.ts";
import { duplicateKeysOf } from "./values.ts";
import { parseXmlRpcCall, serializeXmlRpcResponse } from "./xmlrpc.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
/** The "result" of a JSON fixture (they hold plain JSON; trustedDump's repeated keys only exist in its .txt). */
const fixtureResult = (name: string) => JSON.parse(fixture(name)).result;

const JSON_FILES: Record<string, string> = {
  "stats.get_statistics": "stats.get_statistics-all.json",
  "permissions.trustedDump": "permissions.trustedDump.jsonrpc.txt",
};
const XML_FILES: Record<string, string> = {
  "core.version": "core.version.xml",
  "permissions.trustedDump": "permissions.trustedDump.xml",
};

/** Answers like a Kamailio 5.6 node would, from the fixtures. */
function kamailioAnswer(
  req: http.IncomingMessage,
  body: string,
): { status: number; type: string; body: string } {
  const xml = (req.headers["content-type"] ?? "").includes("xml");
  const method = xml ? parseXmlRpcCall(body).method : (JSON.parse(body).method as string);
  const jsonFile = JSON_FILES[method] ?? `${method}.json`;
  const known = existsSync(new URL(jsonFile, FIXTURES));
  if (!xml) {
    return known
      ? { status: 200, type: "application/json", body: fixture(jsonFile) }
      : { status: 500, type: "application/json", body: fixture("error-unknown-method.json") };
  }
  const answer = XML_FILES[method]
    ? fixture(XML_FILES[method])
    : known
      ? serializeXmlRpcResponse(fixtureResult(jsonFile))
      : fixture("error-unknown-method.xml");
  return { status: 200, type: "text/xml", body: answer };
}

describe("typed RPC client against Kamailio answers", () => {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/hang") return; // never answers
      if (req.url === "/forbidden") {
        // what Kamailio's default kamailio.cfg answers to a source other than 127.0.0.1
        res.writeHead(403, { "Content-Type": "text/html" });
        return res.end("<html><body>Not allowed from 192.0.2.7</body></html>");
      }
      if (req.url === "/wrong") {
        res.writeHead(200, { "Content-Type": "text/html" });
        return res.end("<html><body>Wrong URL /wrong</body></html>");
      }
      const out = kamailioAnswer(req, Buffer.concat(chunks).toString("utf8"));
      res.writeHead(out.status, { "Content-Type": out.type });
      res.end(out.body);
    });
  });
  let base = "";
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  for (const protocol of ["jsonrpc", "xmlrpc"] as const) {
    describe(protocol, () => {
      const node = (): RpcNode => ({ url: `${base}/RPC`, protocol });

      it("reads core.version, core.info, core.uptime and tm.stats", async () => {
        const c = createRpcClient(node());
        const version: string = await c.call("core.version");
        assert.equal(version, "kamailio 5.6.3 (x86_64/linux) ");
        const info = await c.call("core.info");
        assert.equal(info.version, "kamailio 5.6.3");
        assert.match(info.flags, /USE_TCP/);
        const uptime = await c.call("core.uptime");
        assert.deepEqual(uptime, {
          now: "Sun Nov 22 13:29:26 2026",
          up_since: "Sun Nov 22 13:28:20 2026",
          uptime: 66,
        });
        const tm = await c.call("tm.stats");
        assert.equal(tm.total, 300);
        assert.equal(tm["2xx"], 300);
      });

      it("reads stats.get_statistics lines into counters", async () => {
        const lines = await createRpcClient(node()).call("stats.get_statistics", ["all"]);
        const stats = parseStats(lines);
        assert.equal(stats["core:rcv_requests"], 565);
        assert.equal(stats["shmem:total_size"], 268435456);
        assert.equal(stats["usrloc:registered_users"], 1);
        assert.equal(Object.keys(stats).length, lines.length);
      });

      it("reads ul.dump and ul.lookup into flat contact rows", async () => {
        const c = createRpcClient(node());
        const rows = normalizeUlDump(await c.call("ul.dump"));
        assert.equal(rows.length, 1);
        assert.deepEqual(
          { ...rows[0] },
          {
            table: "location",
            aor: "user0999",
            hashId: 2989948315,
            address: "sip:user0999@127.0.0.1:5070",
            expires: 3566,
            expiresNote: null,
            q: null,
            callId: "1-693@127.0.0.1",
            cseq: 2,
            userAgent: "sipp-bench",
            received: null,
            path: null,
            state: "CS_SYNC",
            flags: 0,
            cflags: 0,
            socket: "udp:127.0.0.1:5080",
            methods: 4294967295,
            ruid: "uloc-6b02edf4-735b-1",
            instance: null,
            regId: 0,
            serverId: 0,
            tcpconnId: -1,
            keepalive: 0,
            lastKeepalive: 1795354133,
            kaRoundtrip: 0,
            lastModified: 1795354133,
          },
        );
        const lookup = normalizeUlLookup(await c.call("ul.lookup", ["location", "user0999"]));
        assert.deepEqual(lookup, [{ ...rows[0], hashId: null }]);
      });

      it("reads dispatcher.list into destination rows", async () => {
        const rows = normalizeDispatcherList(await createRpcClient(node()).call("dispatcher.list"));
        assert.equal(rows.length, 1);
        assert.equal(rows[0].uri, "sip:127.0.0.1:5070");
        assert.equal(rows[0].state, "active");
        assert.equal(rows[0].probing, false);
        assert.equal(rows[0].idx, null);
      });

      it("keeps every entry of permissions.trustedDump's repeated keys", async () => {
        const dump = await createRpcClient(node()).call("permissions.trustedDump");
        assert.deepEqual(duplicateKeysOf(dump).sort(), ["item", "table"]);
        const rows = normalizeTrustedDump(dump);
        assert.deepEqual(
          rows.map((r) => [r.table, r.ip, r.proto, r.priority]),
          [
            [3, "192.0.2.10", "udp", 0],
            [3, "192.0.2.11", "any", 10],
            [11, "198.51.100.7", "tcp", 5],
          ],
        );
        assert.equal(rows[0].pattern, "^sip:.*@example\\.net$");
        assert.equal(rows[2].ruri_pattern, "^sip:\\+49");
      });

      it("throws RpcMethodNotFoundError for a command the node lacks", async () => {
        await assert.rejects(createRpcClient(node()).call("subscriber.invalidate"), (e: Error) => {
          assert.ok(e instanceof RpcMethodNotFoundError);
          assert.equal(e.message, "method not found on this node: subscriber.invalidate");
          return true;
        });
      });

      it("throws RpcForbiddenError on Kamailio's 403 page, RpcProtocolError on a non-RPC page", async () => {
        await assert.rejects(rpcCall({ url: `${base}/forbidden`, protocol }, "core.version"), (e: Error) => {
          assert.ok(e instanceof RpcForbiddenError);
          assert.equal(e.message, "forbidden");
          return true;
        });
        await assert.rejects(rpcCall({ url: `${base}/wrong`, protocol }, "core.version"), RpcProtocolError);
      });

      it("throws RpcTimeoutError when the node does not answer in time", async () => {
        await assert.rejects(
          rpcCall({ url: `${base}/hang`, protocol, timeoutMs: 100 }, "core.version"),
          (e: Error) => {
            assert.ok(e instanceof RpcTimeoutError);
            assert.match(e.message, /timed out after 100 ms: core\.version/);
            return true;
          },
        );
      });
    });
  }

  it("throws RpcUnreachableError with the URL and the system error code", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/RPC`;
    await assert.rejects(createRpcClient({ url, protocol: "jsonrpc" }).call("core.version"), (e: Error) => {
      assert.ok(e instanceof RpcUnreachableError);
      assert.equal(e.message, `node unreachable: ${url}: ECONNREFUSED`);
      return true;
    });
  });
});

describe("normalizers on Kamailio 6.1 shapes", () => {
  it("reads dispatcher.list with IDX, IUID and ATTRS, in Kamailio's order", () => {
    const rows = normalizeDispatcherList(fixtureResult("dispatcher.list-6.1.json"));
    assert.deepEqual(
      rows.map((r) => [r.setid, r.idx, r.uri, r.state, r.probing, r.priority, r.duid, r.weight, r.iuid]),
      [
        [2, 0, "sip:203.0.113.21:5060", "active", false, 0, null, null, "ds-0002-0000"],
        [1, 0, "sip:203.0.113.11:5060", "active", true, 10, "edge1", 60, "ds-0001-0000"],
        [1, 1, "sip:203.0.113.12:5060", "inactive", true, 0, null, null, "ds-0001-0001"],
      ],
    );
  });
});

describe("typed RPC client against the Switchboard server", () => {
  let srv: RpcServer;
  before(async () => {
    srv = await createRpcServer({ registry: sampleRegistry(), listen: "127.0.0.1:0", token: "t0k" });
  });
  after(() => srv.close());

  for (const protocol of ["jsonrpc", "xmlrpc"] as const) {
    it(`${protocol}: calls with the token, and maps faults and a wrong token`, async () => {
      const c = createRpcClient({ url: srv.url, protocol, token: "t0k" });
      assert.deepEqual(await c.call("dialplan.translate", [1, "0301234"]), {
        Output: "+49301234",
        Attributes: "",
      });
      assert.deepEqual(await c.call("system.listMethods"), sampleRegistry().list());
      await assert.rejects(c.call("dialplan.translate", [1, 2 as unknown as string]), (e: Error) => {
        assert.ok(e instanceof RpcFaultError);
        assert.equal(e.code, 400);
        assert.equal(e.faultString, "Invalid Parameters");
        return true;
      });
      await assert.rejects(
        createRpcClient({ url: srv.url, protocol, token: "bad" }).call("core.version"),
        RpcForbiddenError,
      );
      const basic = srv.url.replace("http://", "http://ops:t0k@");
      assert.equal(
        await rpcCall({ url: basic, protocol }, "core.version"),
        "switchboard-test 0.1.0 (x86_64/linux)",
      );
    });
  }
});
