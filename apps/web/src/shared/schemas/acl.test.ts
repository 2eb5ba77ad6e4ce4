import assert from "node:assert/strict";
import { test } from "node:test";
import type { ZodType } from "zod";
import { addressCreate, reGroupCreate, trustedCreate } from "./acl";
import { dialplanCreate } from "./dialplan";
import { preferenceCreate } from "./preferences";
import { cfgSetInput } from "./settings";

const fields = (schema: ZodType, v: object) =>
  Object.fromEntries((schema.safeParse(v).error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

test("address: CIDR checked per family, ports 0-65535, host names take mask 32", () => {
  const ok = { grp: 1, ipAddr: "10.0.0.0", mask: 8, port: 0 };
  assert.deepEqual(fields(addressCreate, ok), {});
  assert.deepEqual(fields(addressCreate, { ...ok, ipAddr: "2001:db8::", mask: 48 }), {});
  assert.deepEqual(fields(addressCreate, { ...ok, mask: 33 }), { mask: "mask must be 0-32 for IPv4" });
  assert.deepEqual(fields(addressCreate, { ...ok, ipAddr: "10.0.0.1" }), {
    ipAddr: "10.0.0.1/8 has host bits set; the network is 10.0.0.0/8",
  });
  assert.deepEqual(fields(addressCreate, { ...ok, port: 70000 }), { port: "port must be 0-65535 (0 = any)" });
  assert.deepEqual(fields(addressCreate, { ...ok, ipAddr: "10.0.0.999" }), {
    ipAddr: "not an IPv4/IPv6 address or host name",
  });
  assert.deepEqual(fields(addressCreate, { ...ok, ipAddr: "gw.example.com" }), {
    mask: "a host name takes mask 32",
  });
  assert.deepEqual(fields(addressCreate, { ...ok, ipAddr: "10.0.0.0/8" }), {
    ipAddr: "enter the address without /prefix; put the prefix length in Mask",
  });
});

test("trusted and re_grp: addresses, protocols and POSIX patterns", () => {
  const ok = { srcIp: "192.0.2.1", proto: "udp" };
  assert.deepEqual(fields(trustedCreate, ok), {});
  assert.deepEqual(fields(trustedCreate, { ...ok, srcIp: "192.0.2.0/24" }), {
    srcIp: "source IP must be an IPv4 or IPv6 address",
  });
  assert.deepEqual(fields(trustedCreate, { ...ok, proto: "http" }), {
    proto: "protocol must be one of any, udp, tcp, tls, sctp, ws, wss, none",
  });
  assert.match(
    fields(trustedCreate, { ...ok, fromPattern: "^sip:[abc" }).fromPattern,
    /invalid From pattern: missing \]/,
  );
  assert.deepEqual(fields(reGroupCreate, { regExp: "^sip:.*@example\\.com$", groupId: 2 }), {});
  assert.match(fields(reGroupCreate, { regExp: "^sip:(", groupId: 2 }).regExp, /invalid regular expression/);
});

test("dialplan: regex match_exp, subst_exp and back-references checked before save", () => {
  const ok = { dpid: 1, pr: 1, matchOp: 1, matchExp: "^00", substExp: "^00(.*)$", replExp: "+\\1" };
  assert.deepEqual(fields(dialplanCreate, ok), {});
  assert.deepEqual(
    fields(dialplanCreate, { ...ok, matchOp: 0, matchExp: "^(00" }),
    {},
    "equal takes any text",
  );
  assert.match(fields(dialplanCreate, { ...ok, matchExp: "^(00" }).matchExp, /^invalid regular expression: /);
  assert.match(
    fields(dialplanCreate, { ...ok, substExp: "^00(.*" }).substExp,
    /^invalid regular expression: /,
  );
  assert.deepEqual(fields(dialplanCreate, { ...ok, replExp: "+\\2" }), {
    replExp: "refers to \\2, but the substitution expression has 1 group",
  });
  assert.deepEqual(fields(dialplanCreate, { ...ok, substExp: "" }), {
    replExp: "refers to \\1: add a substitution expression with that group",
  });
  assert.match(fields(dialplanCreate, { ...ok, replExp: "\\q" }).replExp, /unknown escape \\q/);
});

test("preferences and cfg values", () => {
  assert.deepEqual(
    fields(preferenceCreate, { username: "alice", domain: "x", attribute: "cfu", type: 0 }),
    {},
  );
  assert.deepEqual(fields(preferenceCreate, { username: "alice", attribute: "n", type: 1, value: "x" }), {
    value: "an integer preference needs a whole number",
  });
  assert.deepEqual(fields(preferenceCreate, { attribute: "n", type: 0 }), {
    username: "give a username (with domain) or a uuid",
  });
  const cfg = { nodeId: 1, group: "pstn", name: "gw_ip", type: "string", value: "10.0.0.1" };
  assert.deepEqual(fields(cfgSetInput, cfg), {});
  assert.deepEqual(fields(cfgSetInput, { ...cfg, value: "2001:db8::1" }), {
    value: "write an IPv6 address in brackets: [2001:db8::1]",
  });
  assert.deepEqual(fields(cfgSetInput, { ...cfg, name: "gw_port", value: "99999" }), {
    value: "expected a port 1-65535 (or empty)",
  });
  assert.deepEqual(
    fields(cfgSetInput, { ...cfg, group: "tm", name: "fr_timer", type: "int", value: "1.5" }),
    {
      value: "this variable takes a whole number",
    },
  );
});
