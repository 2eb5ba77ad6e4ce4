import assert from "node:assert/strict";
import { test } from "node:test";
import { coreHash, coreHashSlot, dsHash } from "./hash.ts";

// Reference values from Kamailio's core_hash() compiled with gcc on x86-64 (signed char).
test("coreHash equals Kamailio's core_hash for ASCII, tails of 0-3 bytes and UTF-8 (signed bytes)", () => {
  const expected: Array<[string, number]> = [
    ["", 0],
    ["a", 109],
    ["abc", 7167810],
    ["abcd", 1834959896],
    ["abcde", 1834960001],
    ["alice", 1834153949],
    ["example.com", 3905729897],
    ["3c1a2b@host.example.com", 3030321537],
    ["été-€", 1998091677],
  ];
  for (const [s, h] of expected) assert.equal(coreHash(s), h, s);
});

test("coreHash continues over a second string like core_hash(s1, s2)", () => {
  assert.equal(coreHash("alice", "example.com:5070"), 4164596482);
});

test("coreHashSlot hashes raw bytes into a power-of-two table", () => {
  assert.equal(coreHashSlot(Uint8Array.of(192, 0, 2, 10), 128), 123);
});

test("dsHash never returns 0", () => {
  assert.equal(dsHash(""), 1);
  assert.equal(dsHash("bob"), 7222211);
});
