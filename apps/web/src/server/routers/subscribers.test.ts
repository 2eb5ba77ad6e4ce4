import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { parseConfig } from "@switchboard/config";
import { sbAudit, sbNode, subscriber } from "@switchboard/db";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { createRpcServer, RpcRegistry, type RpcServer } from "@switchboard/rpc";
import { eq, like } from "drizzle-orm";
import { FieldErrors } from "../errors";
import { createCaller, testContext } from "../testing";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

let t: TestDatabase;
let node: RpcServer;
const invalidated: unknown[][] = [];

before(async () => {
  t = await createTestDatabase();
  // A real RPC endpoint standing in for a sipd node's subscriber cache.
  const registry = new RpcRegistry();
  registry.register({
    name: "subscriber.invalidate",
    doc: "drop cached credentials",
    handler: (params) => {
      invalidated.push(params);
      return {};
    },
  });
  node = await createRpcServer({ registry, listen: "127.0.0.1:0" });
});
after(async () => {
  await node.close();
  await t.drop();
});

async function operator(config = parseConfig({})) {
  return createCaller(await testContext(t.db, { role: "operator", config }));
}

test("create stores ha1 = md5(user:domain:pw), ha1b = md5(user@domain:domain:pw) and the clear password", async () => {
  const caller = await operator();
  const { id } = await caller.subscribers.create({
    username: "alice",
    domain: "example.com",
    password: "secret1",
  });
  const [row] = await t.db.select().from(subscriber).where(eq(subscriber.id, id));
  assert.equal(row.ha1, md5("alice:example.com:secret1"));
  assert.equal(row.ha1b, md5("alice@example.com:example.com:secret1"));
  assert.equal(row.password, "secret1");
});

test("with storePlaintextPw off the password column stays empty", async () => {
  const caller = await operator(parseConfig({ features: { storePlaintextPw: false } }));
  const { id } = await caller.subscribers.create({
    username: "bob",
    domain: "example.com",
    password: "secret2",
  });
  const [row] = await t.db.select().from(subscriber).where(eq(subscriber.id, id));
  assert.equal(row.password, "");
  assert.equal(row.ha1, md5("bob:example.com:secret2"));
});

test("a duplicate username@domain is a CONFLICT naming the account on the username field", async () => {
  const caller = await operator();
  await caller.subscribers.create({ username: "dup", domain: "example.com", password: "secret1" });
  const err = await caller.subscribers
    .create({ username: "dup", domain: "example.com", password: "other12" })
    .then(
      () => null,
      (e) => e,
    );
  assert.equal(err?.code, "CONFLICT");
  assert.equal(err.message, "dup@example.com already exists");
  assert.ok(err.cause instanceof FieldErrors);
  assert.deepEqual(err.cause.fields, { username: "dup@example.com already exists" });
});

test("invalid input is refused with one message per field", async () => {
  const caller = await operator();
  await assert.rejects(
    caller.subscribers.create({ username: "a b", domain: "exa mple", password: "123" }),
    (e: unknown) => {
      const err = e as { code: string; cause: { issues: { path: string[]; message: string }[] } };
      assert.equal(err.code, "BAD_REQUEST");
      assert.deepEqual(err.cause.issues.map((i) => i.path.join(".")).sort(), [
        "domain",
        "password",
        "username",
      ]);
      return true;
    },
  );
});

test("list pages by pageSize with hasNext from one extra row, and searches by username prefix", async () => {
  const caller = await operator();
  for (let i = 0; i < 7; i++) {
    await t.db
      .insert(subscriber)
      .values({ username: `page${i}`, domain: "pages.example", ha1: "x", ha1b: "y" });
  }
  const p1 = await caller.subscribers.list({ search: "page", pageSize: 3, sort: "username" });
  assert.deepEqual(
    p1.rows.map((r) => r.username),
    ["page0", "page1", "page2"],
  );
  assert.equal(p1.hasNext, true);
  const p3 = await caller.subscribers.list({ search: "page", pageSize: 3, page: 3, sort: "username" });
  assert.deepEqual(
    p3.rows.map((r) => r.username),
    ["page6"],
  );
  assert.equal(p3.hasNext, false);
  const desc = await caller.subscribers.list({ search: "page", pageSize: 2, sort: "username", dir: "desc" });
  assert.deepEqual(
    desc.rows.map((r) => r.username),
    ["page6", "page5"],
  );
  assert.deepEqual(Object.keys(p1.rows[0]).sort(), ["domain", "id", "username"], "no secrets in the list");
  const byDomain = await caller.subscribers.list({ search: "page3@pages" });
  assert.deepEqual(
    byDomain.rows.map((r) => r.username),
    ["page3"],
  );
  const literal = await caller.subscribers.list({ search: "page_" });
  assert.equal(literal.rows.length, 0, "LIKE wildcards in the search are matched literally");
});

test("following nextCursor walks every row once, in both directions, ties broken by id", async () => {
  const caller = await operator();
  // Same username in several domains: equal sort values must neither repeat nor vanish across pages.
  for (const d of ["a.example", "b.example", "c.example"]) {
    await t.db.insert(subscriber).values({ username: "kstie", domain: d, ha1: "x", ha1b: "y" });
  }
  for (let i = 0; i < 4; i++) {
    await t.db.insert(subscriber).values({ username: `kst${i}`, domain: "k.example", ha1: "x", ha1b: "y" });
  }
  const walk = async (dir: "asc" | "desc", sort: string) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 1; page < 10; page++) {
      const res = await caller.subscribers.list({ search: "kst", pageSize: 2, sort, dir, page, cursor });
      seen.push(...res.rows.map((r) => `${r.username}@${r.domain}`));
      if (!res.hasNext) break;
      cursor = res.nextCursor ?? undefined;
      assert.ok(cursor);
    }
    return seen;
  };
  const asc = await walk("asc", "username");
  assert.deepEqual(asc, [
    "kst0@k.example",
    "kst1@k.example",
    "kst2@k.example",
    "kst3@k.example",
    "kstie@a.example",
    "kstie@b.example",
    "kstie@c.example",
  ]);
  assert.deepEqual(await walk("desc", "username"), [...asc].reverse());
  assert.equal((await walk("asc", "id")).length, 7);
  // A garbled cursor is ignored: the page number decides (OFFSET) as for clients without cursors.
  const garbled = await caller.subscribers.list({
    search: "kst",
    pageSize: 2,
    sort: "username",
    page: 2,
    cursor: "%%%",
  });
  assert.deepEqual(
    garbled.rows.map((r) => r.username),
    ["kst2", "kst3"],
  );
});

test("renaming keeps working hashes: the stored password is reused, or a new one is required", async () => {
  const caller = await operator();
  const { id } = await caller.subscribers.create({
    username: "ren",
    domain: "example.com",
    password: "secret1",
  });
  await caller.subscribers.update({ id, username: "ren2", domain: "example.com", password: "" });
  const [row] = await t.db.select().from(subscriber).where(eq(subscriber.id, id));
  assert.equal(row.ha1, md5("ren2:example.com:secret1"));

  const noPlain = await operator(parseConfig({ features: { storePlaintextPw: false } }));
  const { id: id2 } = await noPlain.subscribers.create({
    username: "hid",
    domain: "example.com",
    password: "secret1",
  });
  await assert.rejects(
    noPlain.subscribers.update({ id: id2, username: "hid2", domain: "example.com", password: "" }),
    {
      code: "BAD_REQUEST",
      message: /enter the password again/,
    },
  );
  await noPlain.subscribers.update({ id: id2, username: "hid", domain: "example.com", password: "" });
  const [kept] = await t.db.select().from(subscriber).where(eq(subscriber.id, id2));
  assert.equal(kept.ha1, md5("hid:example.com:secret1"), "an edit without a new password keeps the hashes");
});

test("saving asks every enabled sipd node to invalidate the account; a dead node is a warning, audited", async () => {
  await t.db.insert(sbNode).values([
    { name: "live", url: node.url, kind: "sipd" },
    { name: "dead", url: "http://127.0.0.1:1/RPC", kind: "sipd" },
    { name: "off", url: node.url, kind: "sipd", enabled: false },
    { name: "kam", url: node.url, kind: "kamailio" },
  ]);
  try {
    const ctx = await testContext(t.db, { role: "operator" });
    const caller = createCaller(ctx);
    invalidated.length = 0;
    const res = await caller.subscribers.create({
      username: "inv",
      domain: "example.com",
      password: "secret1",
    });
    assert.deepEqual(invalidated, [["inv", "example.com"]]);
    assert.deepEqual(
      res.nodes.map((n) => [n.node, n.ok]),
      [
        ["dead", false],
        ["live", true],
      ],
    );
    assert.match(res.nodes[0].error ?? "", /127\.0\.0\.1:1/);
    const audit = await t.db.select().from(sbAudit).where(like(sbAudit.action, "rpc:subscriber.invalidate"));
    const mine = audit.filter((a) => a.username === ctx.session!.username);
    assert.deepEqual(mine.map((a) => [a.node, a.ok, a.target]).sort(), [
      ["dead", false, "inv example.com"],
      ["live", true, "inv example.com"],
    ]);

    invalidated.length = 0;
    await caller.subscribers.delete({ ids: [res.id] });
    assert.deepEqual(invalidated, [["inv", "example.com"]]);
  } finally {
    await t.db.delete(sbNode);
  }
});

test("every subscriber mutation leaves an audit row with the password masked", async () => {
  const ctx = await testContext(t.db, { role: "operator" });
  const caller = createCaller(ctx);
  const { id } = await caller.subscribers.create({
    username: "aud",
    domain: "example.com",
    password: "topsecret",
  });
  await caller.subscribers.update({ id, username: "aud", domain: "example.com", password: "othersecret" });
  await caller.subscribers.delete({ ids: [id] });
  const rows = await t.db.select().from(sbAudit).where(eq(sbAudit.username, ctx.session!.username));
  assert.deepEqual(
    rows.map((r) => [r.action, r.target, r.ok]),
    [
      ["subscribers.create", "aud@example.com", true],
      ["subscribers.update", "aud@example.com", true],
      ["subscribers.delete", String(id), true],
    ],
  );
  for (const r of rows) assert.doesNotMatch(r.details ?? "", /secret/);
});

test("CSV import batches report every line: created, skipped duplicates, errors; update mode replaces", async () => {
  const caller = await operator();
  await caller.subscribers.create({ username: "imp0", domain: "imp.example", password: "secret0" });
  const ha1 = md5("hashonly:imp.example:pw1234");
  const ha1b = md5("hashonly@imp.example:imp.example:pw1234");
  const { results } = await caller.subscribers.import({
    rows: [
      { line: 2, username: "imp0", domain: "imp.example", password: "secret9" },
      { line: 3, username: "imp1", domain: "imp.example", password: "secret1" },
      { line: 4, username: "bad user", domain: "imp.example", password: "secret1" },
      { line: 5, username: "imp2", domain: "imp.example", password: "123" },
      { line: 6, username: "imp1", domain: "imp.example", password: "secret1" },
      { line: 7, username: "hashonly", domain: "imp.example", ha1, ha1b },
    ],
  });
  assert.deepEqual(
    results.map((r) => [r.line, r.status]),
    [
      [2, "skipped"],
      [3, "created"],
      [4, "error"],
      [5, "error"],
      [6, "error"],
      [7, "created"],
    ],
  );
  assert.match(results[2].message ?? "", /^username: /);
  assert.match(results[3].message ?? "", /password of at least 6 characters, or both ha1 and ha1b/);
  assert.equal(results[4].message, "imp1@imp.example appears twice in the file");
  const [hashed] = await t.db.select().from(subscriber).where(eq(subscriber.username, "hashonly"));
  assert.deepEqual([hashed.ha1, hashed.ha1b, hashed.password], [ha1, ha1b, ""]);

  const again = await caller.subscribers.import({
    rows: [{ line: 2, username: "imp0", domain: "imp.example", password: "secret9" }],
    onDuplicate: "update",
  });
  assert.deepEqual(again.results, [{ line: 2, status: "updated" }]);
  const [updated] = await t.db.select().from(subscriber).where(eq(subscriber.username, "imp0"));
  assert.equal(updated.ha1, md5("imp0:imp.example:secret9"));
});

test("the CSV export streams every subscriber in id order, in the import's columns", async () => {
  const { subscribersCsv } = await import("../subscriber-export");
  for (let i = 0; i < 5; i++) {
    await t.db
      .insert(subscriber)
      .values({ username: `exp${i}`, domain: "exp.example", ha1: `h${i}`, ha1b: `b${i}` });
  }
  const chunks: string[] = [];
  for await (const c of subscribersCsv(t.db, { search: "exp", domain: "" }, 2)) chunks.push(c);
  assert.equal(chunks.length, 4, "header + three chunks of at most 2 rows");
  const lines = chunks.join("").trimEnd().split("\r\n");
  assert.equal(lines[0], "username,domain,password,ha1,ha1b");
  assert.deepEqual(
    lines.slice(1),
    [0, 1, 2, 3, 4].map((i) => `exp${i},exp.example,,h${i},b${i}`),
  );
});
