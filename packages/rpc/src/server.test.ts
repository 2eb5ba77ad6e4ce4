import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { decodeJsonRpcResponse, encodeJsonRpcCall } from "./jsonrpc.ts";
import { isEmptyResult } from "./normalize.ts";
import { RpcRegistry } from "./registry.ts";
import {
  authorizationMatches,
  createRpcServer,
  detectProtocol,
  parseListenAddress,
  type RpcServer,
  type RpcServerEvent,
} from "./server.ts";
import { httpRequest, sampleRegistry } from "./testing.ts";
import { parseXmlRpcResponse, serializeXmlRpcCall } from "./xmlrpc.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const JSON_CT = { "Content-Type": "application/json" };
const XML_CT = { "Content-Type": "text/xml" };

/** Params that make each sample command succeed. */
const GOOD_PARAMS: Record<string, unknown[]> = {
  "system.methodHelp": ["core.version"],
  "system.methodSignature": ["core.version"],
  "stats.get_statistics": ["all"],
  "dialplan.translate": [1, "030123"],
  "ul.rm": ["location", "alice"],
};

async function viaJson(url: string, method: string, params: unknown[]) {
  const res = await httpRequest(url, encodeJsonRpcCall(method, params, 1), JSON_CT);
  return decodeJsonRpcResponse(res.body);
}

async function viaXml(url: string, method: string, params: unknown[]) {
  const res = await httpRequest(url.replace(/\/RPC$/, "/RPC2"), serializeXmlRpcCall(method, params), XML_CT);
  assert.equal(res.status, 200, "XML-RPC answers travel with HTTP 200");
  return parseXmlRpcResponse(res.body);
}

/** Result-less answers differ by design ({} vs true, as Kamailio); compare them as "empty". */
const comparable = (r: { ok: boolean; result?: unknown }) =>
  r.ok && isEmptyResult(r.result) ? { ok: true, result: "<empty>" } : r;

describe("RPC HTTP server", () => {
  let srv: RpcServer;
  const events: RpcServerEvent[] = [];
  before(async () => {
    const registry = sampleRegistry();
    registry.register({ name: "t.slow", doc: "", handler: () => new Promise(() => {}) });
    registry.register({
      name: "t.crash",
      doc: "",
      handler: () => {
        throw new Error("secret detail");
      },
    });
    srv = await createRpcServer({
      registry,
      listen: "127.0.0.1:0",
      maxBodyBytes: 4096,
      timeoutMs: 200,
      log: (e) => events.push(e),
      extraRoutes: (req, res) => {
        if (req.url !== "/health") return false;
        res.end("ok\n");
        return true;
      },
    });
  });
  after(() => srv.close());

  it("answers every registered method over JSON-RPC and XML-RPC with the same data", async () => {
    const methods = sampleRegistry().list();
    assert.ok(methods.length >= 8);
    for (const method of methods) {
      const params = GOOD_PARAMS[method] ?? [];
      const json = await viaJson(srv.url, method, params);
      const xml = await viaXml(srv.url, method, params);
      assert.deepEqual(comparable(xml), comparable(json), method);
      if (method !== "system.methodSignature") assert.equal(json.ok, true, method);
    }
  });

  it("answers an unknown method exactly like Kamailio: JSON HTTP 500 + error object, XML-RPC fault 500", async () => {
    const res = await httpRequest(srv.url, '{"jsonrpc":"2.0","method":"no.such.method","id":1}', JSON_CT);
    assert.equal(res.status, 500);
    assert.equal(res.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(res.body), JSON.parse(fixture("error-unknown-method.json")));
    assert.deepEqual(await viaXml(srv.url, "no.such.method", []), {
      ok: false,
      code: 500,
      message: "Method Not Found",
    });
  });

  it("answers wrong params with the handler's RpcError(400): JSON HTTP 400, XML-RPC fault 400", async () => {
    const res = await httpRequest(srv.url, encodeJsonRpcCall("dialplan.translate", ["x"], 9), JSON_CT);
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), {
      jsonrpc: "2.0",
      error: { code: 400, message: "Invalid Parameters" },
      id: 9,
    });
    assert.deepEqual(await viaXml(srv.url, "dialplan.translate", ["x"]), {
      ok: false,
      code: 400,
      message: "Invalid Parameters",
    });
  });

  it("answers an oversized body with 413 in the request's protocol", async () => {
    const big = "x".repeat(6000);
    const json = await httpRequest(srv.url, encodeJsonRpcCall("core.version", [big], 1), JSON_CT);
    assert.equal(json.status, 413);
    assert.deepEqual(JSON.parse(json.body).error, { code: 413, message: "Request Entity Too Large" });
    const xml = await httpRequest(srv.url, serializeXmlRpcCall("core.version", [big]), {});
    assert.equal(xml.status, 413);
    assert.deepEqual(parseXmlRpcResponse(xml.body), {
      ok: false,
      code: 413,
      message: "Request Entity Too Large",
    });
    // without Content-Length (chunked), the limit is found while reading
    const chunked = await httpRequest(srv.url, encodeJsonRpcCall("core.version", [big], 1), {
      ...JSON_CT,
      "Transfer-Encoding": "chunked",
    });
    assert.equal(chunked.status, 413);
    assert.ok(events.some((e) => e.type === "rejected" && e.reason === "too-large"));
  });

  it("answers a handler that overruns timeoutMs with fault 504, and a crashing one with 500 without details", async () => {
    const slow = await httpRequest(srv.url, encodeJsonRpcCall("t.slow", [], 1), JSON_CT);
    assert.equal(slow.status, 504);
    assert.deepEqual(JSON.parse(slow.body).error, { code: 504, message: "Execution Timeout" });
    assert.deepEqual(await viaXml(srv.url, "t.slow", []), {
      ok: false,
      code: 504,
      message: "Execution Timeout",
    });
    const crash = await httpRequest(srv.url, encodeJsonRpcCall("t.crash", [], 1), JSON_CT);
    assert.equal(crash.status, 500);
    assert.doesNotMatch(crash.body, /secret/);
    assert.ok(events.some((e) => e.type === "error" && e.method === "t.crash"));
  });

  it("tells JSON from XML by Content-Type, else by the first byte of the body", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" }; // curl --data default
    const xml = await httpRequest(srv.url, `  ${serializeXmlRpcCall("core.version")}`, form);
    assert.match(xml.headers["content-type"] ?? "", /text\/xml/);
    assert.deepEqual(parseXmlRpcResponse(xml.body), {
      ok: true,
      result: "switchboard-test 0.1.0 (x86_64/linux)",
    });
    const json = await httpRequest(srv.url, encodeJsonRpcCall("core.version", [], 1), form);
    assert.equal(JSON.parse(json.body).result, "switchboard-test 0.1.0 (x86_64/linux)");
    assert.equal(detectProtocol("application/json", Buffer.from("<x/>")), "jsonrpc");
    assert.equal(detectProtocol(undefined, Buffer.from("\ufeff<x/>")), "xmlrpc");
  });

  it("serves /RPC, /RPC2 and /; other paths get 404 and other HTTP methods 405; extraRoutes come first", async () => {
    for (const path of ["/RPC", "/RPC2", "/", "/RPC?x=1"]) {
      const res = await httpRequest(
        srv.url.replace(/\/RPC$/, path),
        encodeJsonRpcCall("core.version", [], 1),
        JSON_CT,
      );
      assert.equal(res.status, 200, path);
    }
    assert.equal((await httpRequest(srv.url.replace(/\/RPC$/, "/nope"), "{}", JSON_CT)).status, 404);
    const get = await httpRequest(srv.url, "", {}, "GET");
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, "POST");
    const health = await httpRequest(srv.url.replace(/\/RPC$/, "/health"), "", {}, "GET");
    assert.deepEqual([health.status, health.body], [200, "ok\n"]);
  });

  it("answers JSON-RPC notifications with 204 and batches with an array", async () => {
    const note = await httpRequest(srv.url, '{"jsonrpc":"2.0","method":"core.version"}', JSON_CT);
    assert.deepEqual([note.status, note.body], [204, ""]);
    const batch = await httpRequest(
      srv.url,
      JSON.stringify([
        { jsonrpc: "2.0", method: "core.version", id: 1 },
        { jsonrpc: "2.0", method: "core.uptime", id: 2 },
      ]),
      JSON_CT,
    );
    assert.deepEqual(
      JSON.parse(batch.body).map((r: { id: number }) => r.id),
      [1, 2],
    );
  });

  it("logs each call with its method and fault code", () => {
    assert.ok(events.some((e) => e.type === "call" && e.method === "core.version" && e.code === undefined));
    assert.ok(events.some((e) => e.type === "call" && e.method === "no.such.method" && e.code === 500));
  });
});

describe("RPC HTTP server access policy", () => {
  it("refuses a source outside the allow-list with 403, for RPC and extra routes, and logs it", async () => {
    const events: RpcServerEvent[] = [];
    const srv = await createRpcServer({
      registry: sampleRegistry(),
      listen: "127.0.0.1:0",
      allow: ["10.0.0.0/8", "2001:db8::/32"],
      log: (e) => events.push(e),
      extraRoutes: (_req, res) => {
        res.end("should not be reached");
        return true;
      },
    });
    try {
      const json = await httpRequest(srv.url, encodeJsonRpcCall("core.version", [], 1), JSON_CT);
      assert.equal(json.status, 403);
      assert.deepEqual(JSON.parse(json.body).error, { code: 403, message: "Forbidden" });
      const xml = await httpRequest(srv.url, serializeXmlRpcCall("core.version"), XML_CT);
      assert.equal(xml.status, 403);
      assert.deepEqual(parseXmlRpcResponse(xml.body), { ok: false, code: 403, message: "Forbidden" });
      assert.equal((await httpRequest(srv.url.replace(/\/RPC$/, "/health"), "", {}, "GET")).status, 403);
      assert.deepEqual(events[1], { type: "denied", reason: "source", source: "127.0.0.1", path: "/RPC" });
    } finally {
      await srv.close();
    }
  });

  it("requires the token when one is set: missing or wrong -> 403, Bearer or Basic password -> served", async () => {
    const events: RpcServerEvent[] = [];
    const srv = await createRpcServer({
      registry: sampleRegistry(),
      listen: "[::1]:0",
      token: "s3cret",
      log: (e) => events.push(e),
    });
    try {
      assert.match(srv.url, /^http:\/\/\[::1\]:\d+\/RPC$/);
      const body = encodeJsonRpcCall("core.version", [], 1);
      const basic = (user: string, pass: string) =>
        `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
      const cases: Array<[string | undefined, number]> = [
        [undefined, 403],
        ["Bearer wrong", 403],
        ["Bearer s3cret", 200],
        ["bearer s3cret", 200],
        [basic("admin", "s3cret"), 200],
        [basic("s3cret", ""), 403],
        [basic("admin", "nope"), 403],
        ["Digest s3cret", 403],
      ];
      for (const [auth, status] of cases) {
        const res = await httpRequest(srv.url, body, {
          ...JSON_CT,
          ...(auth ? { Authorization: auth } : {}),
        });
        assert.equal(res.status, status, auth ?? "no Authorization");
      }
      assert.ok(events.some((e) => e.type === "denied" && e.reason === "token" && e.source === "::1"));
    } finally {
      await srv.close();
    }
  });
});

describe("server helpers", () => {
  it("parses listen addresses", () => {
    assert.deepEqual(parseListenAddress("127.0.0.1:5071"), { host: "127.0.0.1", port: 5071 });
    assert.deepEqual(parseListenAddress("[::1]:0"), { host: "::1", port: 0 });
    for (const bad of ["5071", ":5071", "127.0.0.1", "h:99999", "h:x"])
      assert.throws(() => parseListenAddress(bad), /invalid listen/);
  });

  it("checks Authorization headers", () => {
    assert.equal(authorizationMatches("Bearer t", "t"), true);
    assert.equal(authorizationMatches("Bearer t2", "t"), false);
    assert.equal(authorizationMatches(undefined, "t"), false);
    assert.equal(authorizationMatches("Basic !!!", "t"), false);
  });

  it("starts with an empty registry and reports the bound port", async () => {
    const srv = await createRpcServer({ registry: new RpcRegistry(), listen: "127.0.0.1:0" });
    assert.ok(srv.port > 0);
    await srv.close();
  });
});
