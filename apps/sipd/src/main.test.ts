import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Runs `npm run sipd` the way an operator would, with a bad setting; it must fail fast. */
function runSipd(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("sipd start-up errors", () => {
  it("a bad SIP_LISTEN stops sipd with one line naming the key and the reason", () => {
    const r = runSipd({ SIP_LISTEN: "5060" });
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: invalid config sip\.listen\.0: expected proto:host:port/);
  });

  it("an unreachable DATABASE_URL stops sipd with one readable line, not a stack trace", () => {
    const r = runSipd({ DATABASE_URL: "mysql://u:p@127.0.0.1:1/switchboard", SIP_LISTEN: "udp:127.0.0.1:0" });
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: database 127\.0\.0\.1:1 unreachable/);
  });
});
