import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  configRpcUrl,
  intArg,
  parseAccount,
  parseGlobalArgs,
  parseSipUri,
  resolveNode,
  UsageError,
} from "./args.ts";
import { findCommand, helpFor } from "./cli.ts";
import { arity, table } from "./command.ts";

describe("sbctl argument parsing", () => {
  it("takes global options anywhere before --, and leaves everything after `rpc` to the rpc command", () => {
    assert.deepEqual(parseGlobalArgs(["subscriber", "--json", "add", "a@b", "--url=http://h/RPC", "pw"]), {
      opts: { xml: false, json: true, help: false, url: "http://h/RPC" },
      words: ["subscriber", "add", "a@b", "pw"],
    });
    assert.deepEqual(parseGlobalArgs(["subscriber", "add", "a@b", "--", "--pw"]).words, [
      "subscriber",
      "add",
      "a@b",
      "--pw",
    ]);
    assert.deepEqual(parseGlobalArgs(["--xml", "rpc", "--json", "core.version"]), {
      opts: { xml: true, json: false, help: false },
      words: ["rpc", "--json", "core.version"],
    });
    assert.equal(parseGlobalArgs(["--timeout", "900", "stats"]).opts.timeoutMs, 900);
    assert.deepEqual(parseGlobalArgs(["dispatcher", "add", "1", "sip:x", "0", "-5"]).words.at(-1), "-5");
    assert.throws(() => parseGlobalArgs(["--bogus"]), UsageError);
    assert.throws(() => parseGlobalArgs(["--url"]), /--url needs a value/);
    assert.throws(() => parseGlobalArgs(["--timeout", "0"]), /positive integer/);
    assert.throws(() => parseGlobalArgs(["--json=1"]), /takes no value/);
  });

  it("reads user@domain (sip: prefix allowed), gives a bare user the default domain, rejects the rest", () => {
    assert.deepEqual(parseAccount("alice@Example.COM", "d"), { username: "alice", domain: "example.com" });
    assert.deepEqual(parseAccount("sip:1000@pbx.local", "d"), { username: "1000", domain: "pbx.local" });
    assert.deepEqual(parseAccount("bob", "switchboard.local"), {
      username: "bob",
      domain: "switchboard.local",
    });
    assert.throws(() => parseAccount("@example.com", "d"), UsageError);
    assert.throws(() => parseAccount("a b@example.com", "d"), UsageError);
    assert.throws(() => parseAccount("a@exa mple", "d"), UsageError);
    assert.throws(() => parseAccount(`${"u".repeat(65)}@d`, "d"), /at most 64/);
  });

  it("checks integers and SIP URIs", () => {
    assert.equal(intArg("-3", "priority"), -3);
    assert.throws(() => intArg("1.5", "setid"), /setid must be an integer/);
    assert.throws(() => intArg("4294967296", "setid"), UsageError);
    assert.equal(parseSipUri("sip:10.0.0.1:5060;transport=tcp"), "sip:10.0.0.1:5060;transport=tcp");
    assert.throws(() => parseSipUri("10.0.0.1"), /not a SIP URI/);
  });

  it("finds the node: --url, then SBCTL_URL, then the config's rpc.listen; the token likewise", () => {
    const config = () => ({ rpc: { listen: "0.0.0.0:6000", token: "cfgtok" } });
    const opts = parseGlobalArgs([]).opts;
    assert.deepEqual(resolveNode(opts, {}, config), {
      url: "http://127.0.0.1:6000/RPC",
      protocol: "jsonrpc",
      token: "cfgtok",
      timeoutMs: undefined,
    });
    assert.equal(resolveNode(opts, { SBCTL_URL: "http://n/RPC" }, config).url, "http://n/RPC");
    assert.equal(
      resolveNode({ ...opts, url: "http://o/RPC" }, { SBCTL_URL: "http://n/RPC" }, config).url,
      "http://o/RPC",
    );
    assert.equal(resolveNode(opts, { SBCTL_TOKEN: "envtok" }, config).token, "envtok");
    assert.equal(resolveNode({ ...opts, xml: true }, {}, config).protocol, "xmlrpc");
    assert.equal(configRpcUrl("[::]:5071", "xmlrpc"), "http://[::1]:5071/RPC2");
    assert.equal(configRpcUrl("127.0.0.1:5071", "jsonrpc"), "http://127.0.0.1:5071/RPC");
  });

  it("derives arity from the synopsis and names a group's verbs for an unknown one", () => {
    assert.deepEqual(arity("<setid> <uri> [flags] [priority]"), { min: 2, max: 4 });
    assert.deepEqual(arity("[group:|name...]"), { min: 0, max: Number.POSITIVE_INFINITY });
    assert.equal(findCommand(["subscriber", "add", "a", "b"]).command.name, "subscriber add");
    assert.deepEqual(findCommand(["stats", "core:"]).args, ["core:"]);
    assert.throws(() => findCommand(["alias", "list"]), /unknown alias command "list" \(add\|rm\|show\)/);
    assert.throws(() => findCommand(["nope"]), /unknown command "nope"/);
    assert.equal(helpFor(["ul"]).split("\n").length, 3); // "usage:" + ul show + ul rm
    assert.match(helpFor(["dispatcher", "add", "1"]), /^usage:\n {2}sbctl dispatcher add <setid> <uri>/);
    assert.match(helpFor([]), /^usage: sbctl \[options\] <command>/);
  });

  it("prints aligned columns, or the empty text", () => {
    assert.equal(
      table(
        ["A", "BB"],
        [
          ["xyz", 1],
          [null, "long value"],
        ],
        "none",
      ),
      "A    BB\nxyz  1\n     long value",
    );
    assert.equal(table(["A"], [], "none"), "none");
  });
});
