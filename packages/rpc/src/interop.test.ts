/**
 * Third-party clients against the server: curl (JSON-RPC), Python 3's xmlrpc.client.ServerProxy and the xmlrpc npm
 * client (XML-RPC). Skipped with a message when curl / python3 are not installed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import xmlrpc from "xmlrpc";
import { createRpcServer, type RpcServer } from "./server.ts";
import { sampleRegistry } from "./testing.ts";

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") reject(err);
      else resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function has(cmd: string): Promise<boolean> {
  return run(cmd, ["--version"]).then(
    () => true,
    () => false,
  );
}

const DISPATCHER_LIST = {
  NRSETS: 1,
  RECORDS: [{ SET: { ID: 1, TARGETS: [{ DEST: { URI: "sip:127.0.0.1:5070", FLAGS: "AX", PRIORITY: 0 } }] } }],
};

describe("third-party RPC clients", () => {
  let srv: RpcServer;
  let curl = false;
  let python = false;
  before(async () => {
    srv = await createRpcServer({ registry: sampleRegistry(), listen: "127.0.0.1:0", token: "tok" });
    [curl, python] = await Promise.all([has("curl"), has("python3")]);
  });
  after(() => srv.close());

  it("curl posts a JSON-RPC body (form content type, like Kamailio's docs) and gets the result", async (t) => {
    if (!curl) return t.skip("curl is not installed");
    const res = await run("curl", [
      "-sS",
      "-u",
      "ops:tok",
      "--data",
      '{"jsonrpc":"2.0","method":"dispatcher.list","id":1}',
      srv.url,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { jsonrpc: "2.0", result: DISPATCHER_LIST, id: 1 });
    const denied = await run("curl", [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--data",
      "{}",
      srv.url,
    ]);
    assert.equal(denied.stdout, "403");
  });

  it("Python's xmlrpc.client.ServerProxy lists methods and calls core.version and dispatcher.list", async (t) => {
    if (!python) return t.skip("python3 is not installed");
    const url = srv.url.replace("http://", "http://ops:tok@").replace(/\/RPC$/, "/RPC2");
    const script = [
      "import json, sys, xmlrpc.client",
      "p = xmlrpc.client.ServerProxy(sys.argv[1])",
      "out = {'methods': p.system.listMethods(), 'version': p.core.version(), 'ds': p.dispatcher.list(),",
      "       'help': p.system.methodHelp('core.version'), 'types': p.t.types()}",
      "try:",
      "    p.no.such.method()",
      "except xmlrpc.client.Fault as f:",
      "    out['fault'] = [f.faultCode, f.faultString]",
      "print(json.dumps(out))",
    ].join("\n");
    const res = await run("python3", ["-c", script, url]);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(out.methods, sampleRegistry().list());
    assert.equal(out.version, "switchboard-test 0.1.0 (x86_64/linux)");
    assert.deepEqual(out.ds, DISPATCHER_LIST);
    assert.equal(out.help, "Returns the version string of the server.");
    assert.deepEqual(out.types, {
      int: -5,
      big: 4294967295,
      double: 0.25,
      bool: false,
      str: "<&>\"'",
      nil: null,
      list: [1, [2]],
    });
    assert.deepEqual(out.fault, [500, "Method Not Found"]);
  });

  it("the xmlrpc npm client calls methods and sees faults", async () => {
    const { port } = srv;
    const client = xmlrpc.createClient({
      host: "127.0.0.1",
      port,
      path: "/RPC2",
      basic_auth: { user: "ops", pass: "tok" },
    });
    const call = (method: string, params: unknown[] = []) =>
      new Promise<unknown>((resolve, reject) =>
        client.methodCall(method, params, (err: unknown, value: unknown) =>
          err ? reject(err) : resolve(value),
        ),
      );
    assert.equal(await call("core.version"), "switchboard-test 0.1.0 (x86_64/linux)");
    assert.deepEqual(await call("dispatcher.list"), DISPATCHER_LIST);
    assert.deepEqual(await call("dialplan.translate", [1, "0301234"]), {
      Output: "+49301234",
      Attributes: "",
    });
    assert.deepEqual(await call("ul.rm", ["location", "alice"]), true);
    await assert.rejects(call("dialplan.translate", ["x"]), (e: Error & { faultCode?: number }) => {
      assert.equal(e.faultCode, 400);
      return true;
    });
  });
});
