import assert from "node:assert/strict";
import { test } from "node:test";
import {
  destinationKey,
  dispatcherCreate,
  flagNames,
  joinDsAttrs,
  setStateArg,
  splitDsAttrs,
} from "./dispatcher";

test("attrs split into helper fields and join back with the rest kept", () => {
  const h = splitDsAttrs("duid=gw1;weight=50;socket=udp:10.0.0.1:5060;maxload=20;x");
  assert.deepEqual(h, { duid: "gw1", weight: 50, maxload: 20, otherAttrs: "socket=udp:10.0.0.1:5060;x" });
  assert.equal(joinDsAttrs(h), "duid=gw1;weight=50;maxload=20;socket=udp:10.0.0.1:5060;x");
  assert.equal(joinDsAttrs({ duid: "", otherAttrs: "" }), "");
});

test("the form schema gives field messages for a bad URI, weight and attribute names", () => {
  const base = { setid: 1, destination: "sip:10.0.0.1:5060", otherAttrs: "", duid: "" };
  assert.ok(dispatcherCreate.safeParse(base).success);
  const fields = (v: object) =>
    Object.fromEntries(
      (dispatcherCreate.safeParse(v).error?.issues ?? []).map((i) => [i.path.join("."), i.message]),
    );
  assert.deepEqual(fields({ ...base, destination: "10.0.0.1" }), {
    destination: "destination must start with sip: or sips:",
  });
  assert.deepEqual(fields({ ...base, weight: 150 }), { weight: "weight must be 1-100" });
  assert.deepEqual(fields({ ...base, otherAttrs: "weight=3" }), {
    otherAttrs: "set weight in its own field",
  });
  assert.deepEqual(fields({ ...base, duid: "a;b" }), { duid: "duid may not contain ;, = or spaces" });
  assert.deepEqual(fields({ ...base, otherAttrs: `x=${"y".repeat(126)}`, duid: "abc" }), {
    otherAttrs: "all attributes together are at most 128 characters",
  });
});

test("flags, set_state arguments and row/live matching keys", () => {
  assert.deepEqual(flagNames(9), ["inactive", "probing"]);
  assert.equal(setStateArg("inactive", true), "ip");
  assert.equal(setStateArg("active", false), "a");
  assert.equal(destinationKey(1, "10.0.0.1:5060"), destinationKey(1, "sip:10.0.0.1:5060"));
  assert.equal(destinationKey(1, "SIP:10.0.0.1"), "1 sip:10.0.0.1");
});
