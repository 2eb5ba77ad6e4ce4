import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dispatchCall } from "./dispatch.ts";
import { RpcError, RpcRegistry, registerSystemMethods } from "./registry.ts";

const ctx = { source: "127.0.0.1", protocol: "jsonrpc" as const };

function fixture() {
  const reg = new RpcRegistry();
  registerSystemMethods(reg);
  reg.register({
    name: "core.version",
    doc: "Returns the version string of the server.",
    handler: () => "v",
  });
  reg.register({ name: "x.nodoc", doc: "", handler: () => 1 });
  return reg;
}

describe("RpcRegistry", () => {
  it("lists methods in registration order and refuses a second registration of a name", () => {
    const reg = fixture();
    assert.deepEqual(reg.list(), [
      "system.listMethods",
      "system.methodHelp",
      "system.methodSignature",
      "core.version",
      "x.nodoc",
    ]);
    assert.equal(reg.get("core.version")?.doc, "Returns the version string of the server.");
    assert.equal(reg.get("nope"), undefined);
    assert.throws(() => reg.register({ name: "x.nodoc", doc: "", handler: () => 0 }), /already registered/);
  });

  it("answers the system.* introspection commands like Kamailio's core", async () => {
    const reg = fixture();
    const run = (method: string, params: unknown[] = []) => dispatchCall(reg, method, params, ctx);
    assert.deepEqual((await run("system.listMethods")) as { result: unknown }, {
      ok: true,
      result: reg.list(),
      empty: false,
      returnsArray: true,
    });
    assert.equal(
      ((await run("system.methodHelp", ["core.version"])) as { result: unknown }).result,
      reg.get("core.version")?.doc,
    );
    assert.equal(
      ((await run("system.methodHelp", ["x.nodoc"])) as { result: unknown }).result,
      "undocumented",
    );
    assert.deepEqual(await run("system.methodHelp", ["nope"]), {
      ok: false,
      code: 400,
      message: "command not found",
    });
    assert.deepEqual(await run("system.methodHelp"), {
      ok: false,
      code: 400,
      message: "Method Name Expected",
    });
    assert.deepEqual(await run("system.methodSignature", ["core.version"]), {
      ok: false,
      code: 500,
      message: "Not Implemented Yet",
    });
  });

  it("maps unknown methods, RpcError, other exceptions and slow handlers to faults", async () => {
    const reg = new RpcRegistry();
    const seen: unknown[] = [];
    reg.register({
      name: "x.bad",
      doc: "",
      handler: () => {
        throw new RpcError(404, "AOR not found");
      },
    });
    reg.register({
      name: "x.crash",
      doc: "",
      handler: async () => {
        throw new Error("db down");
      },
    });
    let release = () => {};
    reg.register({ name: "x.slow", doc: "", handler: () => new Promise((r) => (release = () => r("late"))) });
    const opts = { timeoutMs: 20, onError: (_m: string, e: unknown) => seen.push(e) };
    assert.deepEqual(await dispatchCall(reg, "x.none", [], ctx, opts), {
      ok: false,
      code: 500,
      message: "Method Not Found",
    });
    assert.deepEqual(await dispatchCall(reg, "x.bad", [], ctx, opts), {
      ok: false,
      code: 404,
      message: "AOR not found",
    });
    const crash = await dispatchCall(reg, "x.crash", [], ctx, opts);
    assert.equal(crash.ok === false && crash.message, "Internal Server Error");
    assert.equal((seen[0] as Error).message, "db down");
    const slow = dispatchCall(reg, "x.slow", [], ctx, opts);
    assert.deepEqual(await slow, { ok: false, code: 504, message: "Execution Timeout" });
    release(); // the late answer is dropped
  });
});
