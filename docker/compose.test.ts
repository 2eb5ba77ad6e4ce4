/**
 * docker/compose.yaml against Debian's docker-compose 1.29, the oldest Compose it must work with (it
 * rejects newer compose-spec keys such as a top-level `name:`), validated and resolved without an engine.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

const composeFile = new URL("compose.yaml", import.meta.url).pathname;
const envExample = new URL(".env.example", import.meta.url).pathname;
const hasCompose = spawnSync("docker-compose", ["version", "--short"]).status === 0;

interface Port {
  target: number;
  published: number | string;
  protocol?: string;
  host_ip?: string;
}
interface Resolved {
  services: Record<
    string,
    { ports?: (Port | string)[]; environment?: Record<string, string>; command?: string[] }
  >;
}

/**
 * `docker-compose config` with only `vars` set (and an empty env file, so neither the caller's
 * environment nor a developer's docker/.env leaks in), parsed with the PyYAML docker-compose itself uses.
 */
function resolve(vars: Record<string, string> = {}): Resolved {
  const dir = mkdtempSync(join(tmpdir(), "sb-compose-"));
  try {
    const envFile = join(dir, "empty.env");
    writeFileSync(envFile, "");
    const config = spawnSync("docker-compose", ["-f", composeFile, "--env-file", envFile, "config"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir, ...vars },
    });
    assert.equal(config.status, 0, config.stderr);
    const json = spawnSync(
      "python3",
      ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
      { input: config.stdout, encoding: "utf8" },
    );
    assert.equal(json.status, 0, json.stderr);
    return JSON.parse(json.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ports as `[host_ip:]published->target/protocol`; 1.29 prints some in the long form, some short. */
const published = (ports: (Port | string)[] = []) =>
  ports
    .map((p) => {
      if (typeof p === "object")
        return `${p.host_ip ? `${p.host_ip}:` : ""}${p.published}->${p.target}/${p.protocol ?? "tcp"}`;
      const [, host, target, protocol = "tcp"] = /^(.+):(\d+)(?:\/(\w+))?$/.exec(p) ?? [];
      return `${host}->${target}/${protocol}`;
    })
    .sort();

describe("docker/compose.yaml", () => {
  const skip = hasCompose ? false : "docker-compose is not installed (sudo apt-get install docker-compose)";
  let tmp: string | undefined;
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it("is valid for docker-compose 1.29", { skip }, () => {
    const r = spawnSync("docker-compose", ["-f", composeFile, "config", "-q"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  it("docker-compose 1.29 rejects what the file must avoid (a top-level name:)", { skip }, () => {
    tmp = mkdtempSync(join(tmpdir(), "sb-compose-"));
    const bad = join(tmp, "compose.yaml");
    writeFileSync(bad, `name: x\n${readFileSync(composeFile, "utf8")}`);
    const r = spawnSync("docker-compose", ["-f", bad, "config", "-q"], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /name/);
  });

  it("runs one image in three roles beside mariadb:10.11", { skip }, () => {
    const { services } = resolve();
    assert.deepEqual(Object.keys(services).sort(), ["mariadb", "migrate", "sipd", "web"]);
    assert.deepEqual(services.migrate.command, ["migrate"]);
    assert.deepEqual(services.sipd.command, ["sipd"]);
    assert.deepEqual(services.web.command, ["web"]);
  });

  it("publishes SIP over UDP and TCP and the console, and never RPC or the database", { skip }, () => {
    const { services } = resolve();
    assert.deepEqual(published(services.sipd.ports), ["5060->5060/tcp", "5060->5060/udp"]);
    assert.deepEqual(published(services.web.ports), ["3000->3000/tcp"]);
    assert.deepEqual(published(services.mariadb.ports), []);
    assert.deepEqual(published(services.migrate.ports), []);
  });

  it("takes the published addresses and the SIP settings from the environment", { skip }, () => {
    const { services } = resolve({
      SIP_PUBLISH: "127.0.0.1:5070",
      WEB_PUBLISH: "127.0.0.1:3100",
      SIP_ADVERTISE: "203.0.113.10",
      SB_SUBNET: "10.99.0.0/24",
    });
    assert.deepEqual(published(services.sipd.ports), [
      "127.0.0.1:5070->5060/tcp",
      "127.0.0.1:5070->5060/udp",
    ]);
    assert.deepEqual(published(services.web.ports), ["127.0.0.1:3100->3000/tcp"]);
    assert.equal(services.sipd.environment?.SIP_ADVERTISE, "203.0.113.10");
    assert.equal(services.sipd.environment?.RPC_ALLOW, "127.0.0.0/8,10.99.0.0/24");
    assert.match(services.web.environment?.DATABASE_URL ?? "", /^mysql:\/\/[^@]+@mariadb:3306\//);
  });
});

describe("docker/.env.example", () => {
  it("documents every variable compose.yaml reads, and only those", () => {
    const used = new Set([...readFileSync(composeFile, "utf8").matchAll(/\$\{(\w+)/g)].map((m) => m[1]));
    const documented = new Set(
      [...readFileSync(envExample, "utf8").matchAll(/^#?(\w+)=/gm)].map((m) => m[1]),
    );
    assert.deepEqual([...documented].sort(), [...used].sort());
  });
});
