/**
 * sbctl as operators run it: a child process (node --import tsx src/main.ts) against a live sipd over a
 * throw-away MariaDB database, with sipp as the SIP client.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { dialplan, subscriber, subscriberHashes } from "@switchboard/db";
import { createTestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import { authRow, DOMAIN, runSipp, startTestSipd, type TestSipd } from "../../sipd/src/testing/harness.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs sbctl to completion (killed after 60 s) with the given extra environment. */
function sbctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  for (const k of ["SWITCHBOARD_CONFIG", "SBCTL_URL", "SBCTL_TOKEN", "SBCTL_PROTOCOL", "DATABASE_URL"])
    delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

const register = (t: TestSipd, user: string, password: string) =>
  runSipp({
    scenario: "register-auth.xml",
    port: t.port,
    inject: [authRow(user, password)],
    calls: 1,
    timeoutSec: 10,
  });

describe("sbctl against a live sipd", () => {
  let t: TestSipd;
  let env: Record<string, string>;
  const run = (...args: string[]) => sbctl(args, env);

  before(async () => {
    const tdb = await createTestDatabase();
    t = await startTestSipd({}, { tdb });
    env = { DATABASE_URL: tdb.url, SBCTL_URL: t.rpcUrl };
  });
  after(async () => t?.stop());

  it("subscriber add stores the digest hashes, and a sipp REGISTER with those credentials gets 200", async () => {
    const r = await run("subscriber", "add", `alice@${DOMAIN}`, "alice-secret");
    assert.deepEqual(r, { code: 0, stdout: `subscriber alice@${DOMAIN} added`, stderr: "" });
    const [row] = await t.tdb.db.select().from(subscriber).where(eq(subscriber.username, "alice"));
    assert.deepEqual(
      { ha1: row.ha1, ha1b: row.ha1b, password: row.password },
      { ...subscriberHashes("alice", DOMAIN, "alice-secret"), password: "alice-secret" },
    );
    const sipp = await register(t, "alice", "alice-secret");
    assert.equal(sipp.successful, 1, sipp.output);

    const again = await run("subscriber", "add", `alice@${DOMAIN}`, "other");
    assert.deepEqual(again, {
      code: 1,
      stdout: "",
      stderr: `error: subscriber alice@${DOMAIN} already exists`,
    });
  });

  it("subscriber passwd drops the node's cached credentials: the old password gets 401, the new one 200", async () => {
    assert.equal((await run("subscriber", "add", `bob@${DOMAIN}`, "old-password")).code, 0);
    const first = await register(t, "bob", "old-password"); // sipd now caches bob's credentials
    assert.equal(first.successful, 1, first.output);

    const r = await run("subscriber", "passwd", `bob@${DOMAIN}`, "new-password");
    assert.deepEqual(r, { code: 0, stdout: `password of bob@${DOMAIN} changed`, stderr: "" });
    const old = await register(t, "bob", "old-password");
    assert.equal(old.successful, 0);
    assert.match(old.output, /401/);
    const fresh = await register(t, "bob", "new-password");
    assert.equal(fresh.successful, 1, fresh.output);
  });

  it("subscriber show and rm, with --json; a missing subscriber is a one-line error with exit code 1", async () => {
    assert.equal((await run("subscriber", "add", `carol@${DOMAIN}`, "carol-pw")).code, 0);
    const shown = await run("--json", "subscriber", "show", `carol@${DOMAIN}`);
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(
      { ...JSON.parse(shown.stdout), id: 0 },
      {
        id: 0,
        username: "carol",
        domain: DOMAIN,
        password: "carol-pw",
        ...subscriberHashes("carol", DOMAIN, "carol-pw"),
      },
    );
    const list = await run("subscriber", "show");
    assert.match(list.stdout, /^ID\s+SUBSCRIBER\s+PASSWORD\s+HA1\s+HA1B$/m);
    assert.match(list.stdout, new RegExp(`carol@${DOMAIN}\\s+carol-pw`));

    const rm = await run("--json", "subscriber", "rm", `carol@${DOMAIN}`);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(JSON.parse(rm.stdout).node, {
      method: "subscriber.invalidate",
      status: "ok",
      result: {},
    });
    assert.deepEqual(await run("subscriber", "rm", `carol@${DOMAIN}`), {
      code: 1,
      stdout: "",
      stderr: `error: no subscriber carol@${DOMAIN}`,
    });
  });

  it("a database edit while the node is down succeeds with a warning", async () => {
    const r = await sbctl(["subscriber", "add", `dave@${DOMAIN}`, "dave-pw"], {
      ...env,
      SBCTL_URL: "http://127.0.0.1:1/RPC",
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `subscriber dave@${DOMAIN} added`);
    assert.match(
      r.stderr,
      /^warning: node unreachable: http:\/\/127\.0\.0\.1:1\/RPC: ECONNREFUSED; subscriber\.invalidate/,
    );
  });

  it("dispatcher add reloads the node, so the destination shows in dispatcher list; rm takes it out again", async () => {
    const empty = await run("dispatcher", "list");
    assert.deepEqual(empty, { code: 0, stdout: "no destination sets", stderr: "" });

    const add = await run("dispatcher", "add", "7", "sip:127.0.0.1:5999", "0", "5", "", "test gateway");
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stdout, "destination sip:127.0.0.1:5999 added to set 7");
    const list = await run("--json", "dispatcher", "list");
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Array<{ setid: number; uri: string; priority: number }>;
    assert.deepEqual(
      rows.map((r) => [r.setid, r.uri, r.priority]),
      [[7, "sip:127.0.0.1:5999", 5]],
    );
    assert.match((await run("dispatcher", "list")).stdout, /^7\s+sip:127\.0\.0\.1:5999\s+A\w\s+5$/m);

    const rm = await run("dispatcher", "rm", "7", "sip:127.0.0.1:5999");
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await run("dispatcher", "list")).stdout, "no destination sets");
  });

  it("alias add/show/rm edit dbaliases and reload alias_db on the node", async () => {
    const add = await run("--json", "alias", "add", `100@${DOMAIN}`, `alice@${DOMAIN}`);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(JSON.parse(add.stdout).node.status, "ok");
    assert.match((await run("alias", "show")).stdout, new RegExp(`100@${DOMAIN}\\s+alice@${DOMAIN}`));
    assert.equal((await run("alias", "add", `100@${DOMAIN}`, `bob@${DOMAIN}`)).code, 1);
    assert.equal((await run("alias", "rm", `100@${DOMAIN}`)).code, 0);
    assert.equal((await run("alias", "show")).stdout, "no aliases");
  });

  it("dialplan reload picks up new rules, translate applies them, show lists the table", async () => {
    await t.tdb.db.insert(dialplan).values({
      dpid: 3,
      pr: 1,
      matchOp: 1,
      matchExp: "^00(.*)$",
      matchLen: 0,
      substExp: "^00(.*)$",
      replExp: "+\\1",
      attrs: "intl",
    });
    assert.deepEqual(await run("dialplan", "reload"), { code: 0, stdout: "dialplan reloaded", stderr: "" });
    assert.deepEqual(await run("dialplan", "translate", "3", "0049301234"), {
      code: 0,
      stdout: "Output: +49301234\nAttributes: intl",
      stderr: "",
    });
    assert.match((await run("dialplan", "show", "3")).stdout, /^3\s+1\s+regex\s+\^00\(\.\*\)\$/m);
  });

  it("ul show lists registered contacts and stats prints the node's counters", async () => {
    const ul = await run("--json", "ul", "show", "alice");
    assert.equal(ul.code, 0, ul.stderr);
    const contacts = JSON.parse(ul.stdout) as Array<{ address: string }>;
    assert.equal(contacts.length, 1);
    assert.match(contacts[0].address, /^sip:alice@127\.0\.0\.1:\d+/);
    assert.match((await run("ul", "show")).stdout, /^alice\s+sip:alice@127\.0\.0\.1/m);

    const stats = await run("stats", "usrloc:");
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^usrloc:registered_users = \d+$/m);

    assert.equal((await run("ul", "rm", "alice")).code, 0);
    const gone = await run("ul", "show", "alice");
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: rpc fault 500: AOR not found in location table$/);
  });

  it("sbctl rpc runs any command like kamcmd, over JSON-RPC or XML-RPC", async () => {
    const fault = await run("rpc", "dialplan.translate", "99", "123");
    assert.deepEqual(fault, { code: 1, stdout: "", stderr: "error: rpc fault 500: Dialplan ID not matched" });
    const [json, xml] = await Promise.all([
      run("--json", "rpc", "core.version"),
      run("rpc", "--xml", "core.version"),
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).trim(), xml.stdout); // sbctl() trims the printed text
  });
});

describe("sbctl usage errors", () => {
  it("bad arguments print the command's synopsis and exit with code 2", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^error: no command\nusage: sbctl help$/],
      [["subscriber", "add", "alice@example.com"], /usage: sbctl subscriber add <user@domain> <password>$/],
      [["dispatcher", "add", "x", "sip:a"], /^error: setid must be an integer, got "x"\n/],
      [["alias", "list"], /^error: unknown alias command "list" \(add\|rm\|show\)/],
      [["--bogus", "stats"], /^error: unknown option --bogus/],
    ];
    const runs = await Promise.all(cases.map(([args]) => sbctl(args)));
    cases.forEach(([args, stderr], i) => {
      assert.equal(runs[i].code, 2, `sbctl ${args.join(" ")}`);
      assert.equal(runs[i].stdout, "");
      assert.match(runs[i].stderr, stderr);
    });
    const help = await sbctl(["help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^ {2}sbctl subscriber add <user@domain> <password>/m);
  });
});
