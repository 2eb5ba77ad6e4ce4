import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig, parseListen } from "./index.ts";

describe("config", () => {
  it("defaults give a single-host setup on loopback", () => {
    const c = loadConfig({ env: {}, file: undefined });
    assert.deepEqual(c.sip.listen, ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"]);
    assert.equal(c.rpc.listen, "127.0.0.1:5071");
    assert.equal(c.web.port, 3000);
    assert.equal(c.usrloc.dbMode, 2);
    assert.equal(c.features.withAuth, true);
  });

  it("environment variables override the file", () => {
    const c = loadConfig({
      env: {
        SIP_DOMAIN: "example.org",
        SIP_LISTEN: "udp:0.0.0.0:5080, tcp:[::1]:5080",
        WEB_PORT: "3100",
        WITH_AUTH: "0",
        DATABASE_URL: "mysql://a:b@h:3306/d",
      },
    });
    assert.equal(c.sip.domain, "example.org");
    assert.deepEqual(c.sip.listen, ["udp:0.0.0.0:5080", "tcp:[::1]:5080"]);
    assert.equal(c.web.port, 3100);
    assert.equal(c.features.withAuth, false);
    assert.equal(c.database.url, "mysql://a:b@h:3306/d");
  });

  it("a bad value fails fast with the key and the reason", () => {
    assert.throws(
      () => loadConfig({ env: { SIP_LISTEN: "5060" } }),
      (e: Error) =>
        e instanceof ConfigError && /sip\.listen\.0/.test(e.message) && /proto:host:port/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { WEB_PORT: "99999" } }), /web\.port/);
  });

  it("parses IPv6 listen sockets", () => {
    assert.deepEqual(parseListen("tcp:[::1]:5060"), { proto: "tcp", host: "::1", port: 5060 });
  });
});
