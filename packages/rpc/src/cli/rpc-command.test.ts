import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRpcServer, type RpcServer } from "../server.ts";
import { sampleRegistry } from "../testing.ts";
import { formatRpcResult, parseKamcmdParam, parseRpcCommandArgs, runRpcCommand } from "./rpc-command.ts";

describe("sbctl rpc argument handling", () => {
  it("types params like kamcmd: ints stay ints, decimals become doubles, s:/i:/d: force the type", () => {
    assert.equal(parseKamcmdParam("42"), 42);
    assert.equal(parseKamcmdParam("-7"), -7);
    assert.equal(parseKamcmdParam("1.5"), 1.5);
    assert.equal(parseKamcmdParam("location"), "location");
    assert.equal(parseKamcmdParam("sip:alice@example.com"), "sip:alice@example.com");
    assert.equal(parseKamcmdParam("s:1000"), "1000");
    assert.equal(parseKamcmdParam("i:12"), 12);
    assert.equal(parseKamcmdParam("d:3"), 3);
    assert.equal(parseKamcmdParam("99999999999999999999"), "99999999999999999999"); // not a safe integer
    assert.throws(() => parseKamcmdParam("i:x"), /not an integer/);
    assert.throws(() => parseKamcmdParam("d:x"), /not a number/);
  });

  it("takes the node from flags, then SBCTL_* env, then the default; params after the method are params", () => {
    const env = { SBCTL_URL: "http://10.0.0.1:5071/RPC", SBCTL_TOKEN: "envtok" };
    assert.deepEqual(parseRpcCommandArgs(["dispatcher.set_state", "ip", "1", "sip:a"], env), {
      node: { url: "http://10.0.0.1:5071/RPC", protocol: "jsonrpc", token: "envtok", timeoutMs: undefined },
      method: "dispatcher.set_state",
      params: ["ip", 1, "sip:a"],
      json: false,
    });
    const o = parseRpcCommandArgs([
      "--url=http://h/RPC2",
      "--token",
      "t",
      "--xml",
      "--timeout",
      "900",
      "--json",
      "x.y",
      "--xml",
    ]);
    assert.deepEqual(o.node, { url: "http://h/RPC2", protocol: "xmlrpc", token: "t", timeoutMs: 900 });
    assert.deepEqual(o.params, ["--xml"]);
    assert.equal(o.json, true);
    assert.equal(parseRpcCommandArgs(["core.version"]).node.url, "http://127.0.0.1:5071/RPC");
    assert.equal(parseRpcCommandArgs(["--xml", "core.version"]).node.url, "http://127.0.0.1:5071/RPC2");
    assert.throws(() => parseRpcCommandArgs([]), /missing method/);
    assert.throws(() => parseRpcCommandArgs(["--bogus", "x"]), /unknown option --bogus/);
    assert.throws(() => parseRpcCommandArgs(["--url"]), /--url needs a value/);
  });

  it("prints strings raw and everything else as indented or one-line JSON", () => {
    assert.equal(
      formatRpcResult("Ok. Dispatcher successfully reloaded."),
      "Ok. Dispatcher successfully reloaded.",
    );
    assert.equal(formatRpcResult({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(formatRpcResult({ a: [1] }, true), '{"a":[1]}');
    assert.equal(formatRpcResult("x", true), '"x"');
  });
});

describe("sbctl rpc against a server", () => {
  let srv: RpcServer;
  before(async () => {
    srv = await createRpcServer({ registry: sampleRegistry(), listen: "127.0.0.1:0", token: "k" });
  });
  after(() => srv.close());

  async function sbctl(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runRpcCommand(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("runs a command over JSON-RPC and over XML-RPC", async () => {
    const env = { SBCTL_URL: srv.url, SBCTL_TOKEN: "k" };
    assert.deepEqual(await sbctl(["core.version"], env), {
      code: 0,
      out: "switchboard-test 0.1.0 (x86_64/linux)",
      err: "",
    });
    const xml = await sbctl(["--xml", "dialplan.translate", "1", "s:0301234"], env);
    assert.equal(xml.code, 0, xml.err);
    assert.deepEqual(JSON.parse(xml.out), { Output: "+49301234", Attributes: "" });
  });

  it("reports RPC failures on stderr with exit code 1 and usage errors with 2", async () => {
    const env = { SBCTL_URL: srv.url, SBCTL_TOKEN: "k" };
    assert.deepEqual(await sbctl(["no.such"], env), {
      code: 1,
      out: "",
      err: "error: method not found on this node: no.such",
    });
    assert.deepEqual(await sbctl(["core.version"], { SBCTL_URL: srv.url }), {
      code: 1,
      out: "",
      err: "error: forbidden",
    });
    const usage = await sbctl(["--nope"], env);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /usage: sbctl rpc/);
    assert.match((await sbctl(["--help"])).out, /usage: sbctl rpc/);
  });
});
