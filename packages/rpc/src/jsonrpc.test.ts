import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  decodeJsonRpcResponse,
  encodeJsonRpcCall,
  encodeJsonRpcError,
  handleJsonRpc,
  jsonRpcHttpStatus,
  parseJsonRpcRequest,
  toParams,
} from "./jsonrpc.ts";
import { RpcError, RpcRegistry } from "./registry.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function registry() {
  const reg = new RpcRegistry();
  reg.register({ name: "t.echo", doc: "", handler: (p) => p });
  reg.register({ name: "t.none", doc: "", handler: () => undefined });
  reg.register({ name: "t.list", doc: "", flags: { returnsArray: true }, handler: () => undefined });
  reg.register({
    name: "t.int",
    doc: "",
    handler: ([n]) => {
      if (typeof n !== "number") throw new RpcError(400, "Invalid Parameters");
      return n;
    },
  });
  return reg;
}

describe("JSON-RPC codec", () => {
  it("takes params as array, as object values in order (like jsonrpcs), or one plain value", () => {
    assert.deepEqual(toParams([1, "a"]), [1, "a"]);
    assert.deepEqual(toParams({ table: "location", aor: "alice" }), ["location", "alice"]);
    assert.deepEqual(toParams("all"), ["all"]);
    assert.deepEqual(toParams(0), [0]);
    assert.deepEqual(toParams(undefined), []);
  });

  it("writes the unknown-method error exactly like Kamailio 5.6", async () => {
    const out = await handleJsonRpc(
      registry(),
      '{"jsonrpc":"2.0","method":"no.such.method","id":1}',
      "127.0.0.1",
    );
    assert.equal(out.status, 500);
    assert.equal(out.body, JSON.stringify(JSON.parse(fixture("error-unknown-method.json"))));
  });

  it("answers in Kamailio's member order and echoes string and number ids", async () => {
    const reg = registry();
    assert.equal(
      (await handleJsonRpc(reg, '{"jsonrpc":"2.0","method":"t.echo","params":[1],"id":"abc"}', "::1")).body,
      '{"jsonrpc":"2.0","result":[1],"id":"abc"}',
    );
    assert.equal(
      (await handleJsonRpc(reg, '{"jsonrpc":"2.0","method":"t.none","id":7}', "::1")).body,
      '{"jsonrpc":"2.0","result":{},"id":7}',
    );
    assert.equal(
      (await handleJsonRpc(reg, '{"jsonrpc":"2.0","method":"t.list","id":7}', "::1")).body,
      '{"jsonrpc":"2.0","result":[],"id":7}',
    );
  });

  it("reports handler faults with their code, as HTTP status when it is one", async () => {
    const out = await handleJsonRpc(
      registry(),
      '{"jsonrpc":"2.0","method":"t.int","params":["x"],"id":1}',
      "::1",
    );
    assert.equal(out.status, 400);
    assert.deepEqual(JSON.parse(out.body ?? ""), {
      jsonrpc: "2.0",
      error: { code: 400, message: "Invalid Parameters" },
      id: 1,
    });
    assert.equal(jsonRpcHttpStatus(-32000), 500);
    assert.equal(jsonRpcHttpStatus(1000), 500);
  });

  it("answers parse errors with -32700 and malformed requests with -32600, id null", async () => {
    const reg = registry();
    const parse = await handleJsonRpc(reg, "{oops", "::1");
    assert.deepEqual(JSON.parse(parse.body ?? ""), {
      jsonrpc: "2.0",
      error: { code: -32700, message: "Parse Error" },
      id: null,
    });
    for (const bad of [
      '{"method":"t.echo","id":1}',
      '{"jsonrpc":"2.0","id":1}',
      '{"jsonrpc":"2.0","method":5}',
      "[]",
      "42",
    ]) {
      const out = await handleJsonRpc(reg, bad, "::1");
      assert.equal(JSON.parse(out.body ?? "").error.code, -32600, bad);
      assert.equal(out.status, 500);
    }
  });

  it("executes notifications without answering them", async () => {
    let ran = 0;
    const reg = new RpcRegistry();
    reg.register({ name: "t.count", doc: "", handler: () => ++ran });
    const out = await handleJsonRpc(reg, '{"jsonrpc":"2.0","method":"t.count"}', "::1");
    assert.deepEqual(out, { status: 204 });
    assert.equal(ran, 1);
  });

  it("answers a batch with one response per request (not per notification), in order", async () => {
    const out = await handleJsonRpc(
      registry(),
      JSON.stringify([
        { jsonrpc: "2.0", method: "t.echo", params: ["a"], id: 1 },
        { jsonrpc: "2.0", method: "t.none" },
        { jsonrpc: "2.0", method: "nope", id: 2 },
        { bad: true },
      ]),
      "::1",
    );
    assert.equal(out.status, 200);
    assert.deepEqual(JSON.parse(out.body ?? ""), [
      { jsonrpc: "2.0", result: ["a"], id: 1 },
      { jsonrpc: "2.0", error: { code: 500, message: "Method Not Found" }, id: 2 },
      { jsonrpc: "2.0", error: { code: -32600, message: "Invalid Request" }, id: null },
    ]);
  });

  it("parses a batch of notifications as nothing to answer", async () => {
    const out = await handleJsonRpc(registry(), '[{"jsonrpc":"2.0","method":"t.none"}]', "::1");
    assert.equal(out.status, 204);
    assert.equal(parseJsonRpcRequest('[{"jsonrpc":"2.0","method":"t.none"}]').batch, true);
  });

  it("client side: encodes calls and decodes results, errors and garbage", () => {
    assert.deepEqual(JSON.parse(encodeJsonRpcCall("ul.lookup", ["location", "a"], 3)), {
      jsonrpc: "2.0",
      method: "ul.lookup",
      params: ["location", "a"],
      id: 3,
    });
    assert.deepEqual(decodeJsonRpcResponse(fixture("core.version.json")), {
      ok: true,
      result: "kamailio 5.6.3 (x86_64/linux) ",
    });
    assert.deepEqual(decodeJsonRpcResponse(encodeJsonRpcError(1, 500, "Method Not Found")), {
      ok: false,
      code: 500,
      message: "Method Not Found",
    });
    assert.throws(() => decodeJsonRpcResponse("<html>Wrong URL</html>"), SyntaxError);
    assert.throws(() => decodeJsonRpcResponse('{"jsonrpc":"2.0","id":1}'), TypeError);
  });
});
