import assert from "node:assert/strict";
import { test } from "node:test";
import { LoginThrottle, RateLimiter } from "./rate-limit";

test("a key gets `limit` hits per window, then waits until the window ends", () => {
  const r = new RateLimiter(2, 60_000);
  assert.ok(r.hit("a", 0));
  assert.ok(r.hit("a", 1000));
  assert.ok(!r.hit("a", 2000));
  assert.equal(r.retryAfter("a", 2000), 58);
  assert.ok(r.hit("b", 2000), "other keys are counted apart");
  assert.ok(r.hit("a", 60_000), "a new window starts afresh");
});

test("the login throttle refuses one address over its share, and all addresses over the ceiling", () => {
  const t = new LoginThrottle({ perClient: 2, overall: 3, windowMs: 60_000 });
  assert.equal(t.attempt("10.0.0.1", 0), 0);
  assert.equal(t.attempt("10.0.0.1", 0), 0);
  assert.ok(t.attempt("10.0.0.1", 0) > 0);
  assert.equal(t.attempt("10.0.0.2", 0), 0);
  assert.ok(t.attempt("10.0.0.3", 0) > 0, "made-up addresses still hit the overall ceiling");
  assert.equal(t.attempt("10.0.0.3", 60_000), 0);
});
