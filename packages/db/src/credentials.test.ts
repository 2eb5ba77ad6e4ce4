import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { subscriberHashes } from "./credentials.ts";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

test("ha1 is md5(user:realm:password) and ha1b md5(user@domain:realm:password), realm = domain", () => {
  assert.deepEqual(subscriberHashes("alice", "switchboard.local", "alice-pass"), {
    ha1: "0c4793f4fe2c32eabd20bf10b362a1ff",
    ha1b: "0b79d106333cb78bb277d7fa0c4fdf77",
  });
});

test("an explicit realm replaces the domain in both hashes but not in ha1b's user part", () => {
  assert.deepEqual(subscriberHashes("bob", "example.org", "pw", "realm.example"), {
    ha1: md5("bob:realm.example:pw"),
    ha1b: md5("bob@example.org:realm.example:pw"),
  });
});
