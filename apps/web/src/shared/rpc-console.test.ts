import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRpcParams, rpcMethodRole } from "./rpc-console";

test("read-only commands are open to viewers, reloads to operators, the rest to admins", () => {
  for (const m of [
    "system.listMethods",
    "core.version",
    "dispatcher.list",
    "htable.dump",
    "tm.stats",
    "stats.get_statistics",
    "ul.lookup",
    "dialplan.translate",
    "cfg.get",
    "cfg.list",
  ])
    assert.equal(rpcMethodRole(m), "viewer", m);
  for (const m of [
    "dispatcher.reload",
    "permissions.addressReload",
    "permissions.trustedReload",
    "dispatcher.set_state",
  ])
    assert.equal(rpcMethodRole(m), "operator", m);
  for (const m of [
    "core.kill",
    "cfg.set",
    "ul.rm",
    "ul.rm_contact",
    "htable.delete",
    "stats.reset_statistics",
  ])
    assert.equal(rpcMethodRole(m), "admin", m);
});

test("params: kamcmd-style words with integers, s: strings and quotes, or a JSON array", () => {
  assert.deepEqual(parseRpcParams(""), []);
  assert.deepEqual(parseRpcParams("1 sip:gw@x s:42 -7"), [1, "sip:gw@x", "42", -7]);
  assert.deepEqual(parseRpcParams(`"a b" 'c d' "q\\"x"`), ["a b", "c d", 'q"x']);
  assert.deepEqual(parseRpcParams('[1, "two", {"x": 3}]'), [1, "two", { x: 3 }]);
  assert.throws(() => parseRpcParams("[1,"), /not valid JSON/);
  assert.throws(() => parseRpcParams('"open'), /quote is not closed/);
});
