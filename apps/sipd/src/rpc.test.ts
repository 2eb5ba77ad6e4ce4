/**
 * sipd's RPC listener end to end: one registry answering JSON-RPC and XML-RPC alike, Kamailio's
 * error shapes, the access policy (source allow-list, token), and GET /health and /metrics.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { createRpcClient, RpcFaultError, RpcForbiddenError, RpcMethodNotFoundError } from "@switchboard/rpc";
import { startTestSipd, type TestSipd } from "./testing/harness.ts";

/** A method needs no params when it has no signature or only optional ones ("[brief]", "x (optional)"). */
function needsNoParams(signature: string | undefined): boolean {
  return signature === undefined || /^\[/.test(signature) || /^[^,]*\(optional/.test(signature);
}

/**
 * Kamailio answers a command that prints nothing with an empty JSON-RPC result ({}) and an XML-RPC
 * boolean true; the RPC layer does the same, so the two count as one answer.
 */
function sameAnswer(json: unknown, xml: unknown): boolean {
  const isEmpty = (v: unknown) => v !== null && typeof v === "object" && Object.keys(v).length === 0;
  if (isEmpty(json) && xml === true) return true;
  return isDeepStrictEqual(json, xml);
}

/** Jobs that report what this run did (a second run finds less to do): compared by shape. */
const JOBS = new Set(["acc.cdrs_generate", "acc.rates_generate"]);

function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof RpcFaultError) return { fault: e.code, message: e.faultString };
    throw e;
  }
}

describe("sipd RPC over JSON-RPC and XML-RPC", () => {
  let t: TestSipd;
  before(async () => {
    t = await startTestSipd();
  });
  after(() => t.stop());

  it("every method that needs no params answers the same over JSON-RPC and XML-RPC", async () => {
    const json = createRpcClient({ url: t.rpcUrl, protocol: "jsonrpc" });
    const xml = createRpcClient({ url: t.rpcUrl, protocol: "xmlrpc" });
    const methods = (await json.callRaw("system.listMethods")) as string[];
    assert.deepEqual(await xml.callRaw("system.listMethods"), methods);
    const checked: string[] = [];
    for (const method of methods) {
      if (!needsNoParams(t.sipd.registry.get(method)?.params)) continue;
      checked.push(method);
      // Counters and clocks may move between two calls: XML-RPC must match the JSON-RPC answer
      // just before or just after it.
      const j1 = await outcome(json.callRaw(method));
      const x = await outcome(xml.callRaw(method));
      if (JOBS.has(method)) {
        assert.deepEqual(shape(x), shape(j1), method);
        continue;
      }
      if (sameAnswer(j1, x)) continue;
      const j2 = await outcome(json.callRaw(method));
      assert.ok(sameAnswer(j2, x), `${method}: json ${JSON.stringify(j2)} xml ${JSON.stringify(x)}`);
    }
    for (const m of [
      "core.version",
      "core.uptime",
      "dispatcher.list",
      "ul.dump",
      "tm.stats",
      "permissions.trustedDump",
    ])
      assert.ok(checked.includes(m), `${m} was compared`);
  });

  it("an unknown method is fault 500 Method Not Found on both protocols", async () => {
    const res = await fetch(t.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "no.such_method", id: 7 }),
    });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), {
      jsonrpc: "2.0",
      error: { code: 500, message: "Method Not Found" },
      id: 7,
    });
    const xres = await fetch(t.rpcUrl, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: '<?xml version="1.0"?><methodCall><methodName>no.such_method</methodName><params/></methodCall>',
    });
    const text = await xres.text();
    assert.match(text, /<name>faultCode<\/name>\s*<value><(i4|int)>500<\/(i4|int)><\/value>/);
    assert.match(text, /<name>faultString<\/name>\s*<value>(<string>)?Method Not Found/);
    for (const protocol of ["jsonrpc", "xmlrpc"] as const)
      await assert.rejects(
        createRpcClient({ url: t.rpcUrl, protocol }).callRaw("no.such_method"),
        RpcMethodNotFoundError,
      );
  });

  it("missing params and an oversized body get Kamailio's faults", async () => {
    for (const protocol of ["jsonrpc", "xmlrpc"] as const) {
      const c = createRpcClient({ url: t.rpcUrl, protocol });
      await assert.rejects(
        c.callRaw("ul.lookup", ["location"]),
        (e: unknown) =>
          e instanceof RpcFaultError && e.code === 500 && /Not enough parameters/.test(e.faultString),
      );
    }
    const res = await fetch(t.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        method: "core.version",
        params: ["x".repeat(2_000_000)],
        id: 1,
      }),
    });
    assert.equal(res.status, 413);
  });

  it("GET /health answers 200 with the database ok and /metrics has sipd_core_rcv_requests", async () => {
    const base = t.rpcUrl.replace(/\/RPC$/, "");
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; database: string; sockets: string[] };
    assert.equal(body.status, "ok");
    assert.equal(body.database, "ok");
    assert.ok(body.sockets.length >= 2, JSON.stringify(body));
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^sipd_core_rcv_requests \d+$/m);
  });
});

describe("sipd RPC access policy", () => {
  it("a source outside rpc.allow gets 403 on RPC and /health", async () => {
    const t = await startTestSipd({ rpc: { allow: ["10.0.0.0/8"] } }, { seed: false });
    try {
      for (const protocol of ["jsonrpc", "xmlrpc"] as const)
        await assert.rejects(
          createRpcClient({ url: t.rpcUrl, protocol }).callRaw("core.version"),
          RpcForbiddenError,
        );
      const health = await fetch(t.rpcUrl.replace(/\/RPC$/, "/health"));
      assert.equal(health.status, 403);
    } finally {
      await t.stop();
    }
  });

  it("with rpc.token set, a call without it (or with a wrong one) gets 403 and one with it succeeds", async () => {
    const t = await startTestSipd({ rpc: { token: "s3cret-token" } }, { seed: false });
    try {
      for (const protocol of ["jsonrpc", "xmlrpc"] as const) {
        await assert.rejects(
          createRpcClient({ url: t.rpcUrl, protocol }).callRaw("core.version"),
          RpcForbiddenError,
        );
        await assert.rejects(
          createRpcClient({ url: t.rpcUrl, protocol, token: "wrong" }).callRaw("core.version"),
          RpcForbiddenError,
        );
        const ok = await createRpcClient({ url: t.rpcUrl, protocol, token: "s3cret-token" }).callRaw(
          "core.version",
        );
        assert.match(String(ok), /./);
      }
    } finally {
      await t.stop();
    }
  });
});
