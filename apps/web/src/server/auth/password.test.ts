import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, randomPassword, verifyPassword } from "./password";

test("scrypt hashes verify the right password only, and are salted", async () => {
  const a = await hashPassword("correct horse");
  const b = await hashPassword("correct horse");
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(a, b);
  assert.ok(await verifyPassword("correct horse", a));
  assert.ok(!(await verifyPassword("correct horsE", a)));
  assert.ok(!(await verifyPassword("x", "sha1$abc")));
});

test("generated passwords have the asked length and avoid look-alike characters", () => {
  const p = randomPassword(40);
  assert.equal(p.length, 40);
  assert.doesNotMatch(p, /[0O1lI]/);
});
