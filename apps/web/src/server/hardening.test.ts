/**
 * Console hardening (issue 8, item 9), walking the whole router so a procedure added tomorrow is
 * covered too: sessions and CSRF/Origin checks through the HTTP handler with real Requests, SQL
 * meta-characters in every free-text query input, and the login lockout under parallel guesses.
 * The role matrix itself (viewer mutations, anonymous callers) is permissions.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseConfig } from "@switchboard/config";
import { location, sbAdmin, sbNode, usrPreferences } from "@switchboard/db";
import { seedDemo } from "@switchboard/db/seed";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import type mysql from "mysql2/promise";
import { z } from "zod";
import { createAdmin } from "./auth/admins";
import { attemptLogin, MAX_FAILURES } from "./auth/login";
import { createSession, SESSION_TTL_MS } from "./auth/session";
import { handleTrpcRequest } from "./http";
import { rpcNodeCaller } from "./nodes/rpc-caller";
import { allProcedures, type Caller, callerFor, codeOf, invokePath, PUBLIC_PROCEDURES } from "./testing";

const ORIGIN = "http://127.0.0.1:3000";

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db, { domain: "switchboard.local", storePlaintext: false });
  // Tables the demo data leaves empty but some list reads.
  await t.db.insert(location).values({
    ruid: "uloc-1",
    username: "alice",
    domain: "switchboard.local",
    contact: "sip:alice@192.0.2.10:5060",
    userAgent: "hardening",
  });
  await t.db
    .insert(usrPreferences)
    .values({ username: "alice", domain: "switchboard.local", attribute: "lang", value: "en" });
  // An enabled node nobody answers for: node-backed reads fall back or fail the same way every time.
  await t.db.insert(sbNode).values({ name: "dead", url: "http://127.0.0.1:9/RPC", kind: "sipd" });
});
after(async () => {
  await t.drop();
});

/** Row count of every table, to prove a refused or hostile request changed nothing. */
async function tableCounts(): Promise<Record<string, number>> {
  const [tables] = await t.pool.query<mysql.RowDataPacket[]>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [[row]] = await t.pool.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${name}\``);
    counts[name] = Number(row.n);
  }
  return counts;
}

// ---- HTTP: the same handler as app/api/trpc/[trpc]/route.ts, fed real Requests ----

interface Send {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  input?: unknown;
}

async function http(path: string, { method, headers = {}, input = {} }: Send) {
  const get = method === "GET";
  const url = `${ORIGIN}/api/trpc/${path}${get ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ""}`;
  const req = new Request(url, {
    method: method ?? "POST",
    headers: get ? headers : { "content-type": "application/json", ...headers },
    body: get ? undefined : JSON.stringify(input),
  });
  const res = await handleTrpcRequest(req, () => ({
    db: t.db,
    config: parseConfig({}),
    callNode: rpcNodeCaller,
  }));
  const body = (await res.json()) as { error?: { message: string; data: { code: string } } };
  return { status: res.status, code: body.error?.data.code ?? "OK", message: body.error?.message ?? "" };
}

/** What the console's own pages send with a mutation (fetch from a same-origin page). */
const fromPage = { "sec-fetch-site": "same-origin", origin: ORIGIN };

/** Queries go as GET, mutations as POST from the console's page, as the tRPC client sends them. */
const sendAs = (type: string, headers: Record<string, string>): Send =>
  type === "query" ? { method: "GET", headers } : { method: "POST", headers: { ...fromPage, ...headers } };

async function loggedIn(role: "admin" | "viewer", now?: Date) {
  const id = await createAdmin(t.db, {
    username: `${role}-${Math.random().toString(36).slice(2, 10)}`,
    password: "hardening-pw-1",
    role,
  });
  const s = await createSession(t.db, id, { ip: "127.0.0.1", userAgent: "hardening" }, now);
  return { cookie: `sb_session=${s.token}`, csrf: s.csrfToken };
}

describe("over HTTP", () => {
  test("every procedure but login and me answers 401 without a live session: no cookie, a made-up one, a malformed one, an expired one", async () => {
    const expired = await loggedIn("admin", new Date(Date.now() - SESSION_TTL_MS - 60_000));
    const cookies: Record<string, Record<string, string>> = {
      "no cookie": {},
      "made-up token": { cookie: "sb_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      "malformed percent-encoding": { cookie: "sb_session=%E0%A4%A" },
      "expired session": { cookie: expired.cookie },
    };
    for (const { path, type } of allProcedures) {
      if (PUBLIC_PROCEDURES.has(path)) continue;
      for (const [label, headers] of Object.entries(cookies)) {
        const res = await http(path, sendAs(type, headers));
        assert.equal(res.status, 401, `${path} with ${label}: ${res.status} ${res.message}`);
      }
    }
    // The page that asks "who am I" still answers, with nobody.
    const me = await http("auth.me", { method: "GET", headers: cookies["malformed percent-encoding"] });
    assert.equal(me.status, 200);
  });

  test("every mutation of a logged-in admin is refused with 403 without the page's CSRF token or from another origin, and writes nothing", async () => {
    const admin = await loggedIn("admin");
    const other = await loggedIn("viewer");
    const variants: Record<string, Record<string, string>> = {
      "no CSRF token": { ...fromPage, cookie: admin.cookie },
      "another session's CSRF token": { ...fromPage, cookie: admin.cookie, "x-csrf-token": other.csrf },
      "a foreign Origin (no Sec-Fetch-Site)": {
        origin: "http://evil.example",
        cookie: admin.cookie,
        "x-csrf-token": admin.csrf,
      },
      "Sec-Fetch-Site: cross-site": {
        "sec-fetch-site": "cross-site",
        origin: ORIGIN,
        cookie: admin.cookie,
        "x-csrf-token": admin.csrf,
      },
      "Sec-Fetch-Site: same-site (a sibling subdomain)": {
        "sec-fetch-site": "same-site",
        origin: "http://other.127.0.0.1:3000",
        cookie: admin.cookie,
        "x-csrf-token": admin.csrf,
      },
      "neither Origin nor Sec-Fetch-Site": { cookie: admin.cookie, "x-csrf-token": admin.csrf },
    };
    const before = await tableCounts();
    for (const { path, type } of allProcedures) {
      if (type !== "mutation") continue;
      for (const [label, headers] of Object.entries(variants)) {
        // Login runs before there is a token: only the origin checks apply to it.
        if (path === "auth.login" && label.includes("CSRF")) continue;
        const res = await http(path, { method: "POST", headers });
        assert.equal(res.status, 403, `${path} with ${label}: ${res.status} ${res.message}`);
        assert.equal(res.code, "FORBIDDEN");
      }
    }
    assert.deepEqual(await tableCounts(), before, "no row was written, not even an audit row");
  });

  test("an HTML form posting multipart/form-data from another site is refused before its fields are read", async () => {
    const admin = await loggedIn("admin");
    const form = new FormData();
    form.set("username", "csrf-victim");
    form.set("domain", "switchboard.local");
    form.set("password", "secret12");
    const req = new Request(`${ORIGIN}/api/trpc/subscribers.create`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", origin: "http://evil.example", cookie: admin.cookie },
      body: form,
    });
    const res = await handleTrpcRequest(req, () => ({
      db: t.db,
      config: parseConfig({}),
      callNode: rpcNodeCaller,
    }));
    assert.equal(res.status, 403);
  });

  test("no mutation can be sent as a GET (a link or an <img> cannot trigger one)", async () => {
    const admin = await loggedIn("admin");
    for (const { path, type } of allProcedures) {
      if (type !== "mutation") continue;
      const res = await http(path, {
        method: "GET",
        headers: { ...fromPage, cookie: admin.cookie, "x-csrf-token": admin.csrf },
      });
      assert.equal(res.status, 405, path);
    }
  });

  test("the same mutation with the page's token from the page's origin goes through (the refusals above are the headers)", async () => {
    const admin = await loggedIn("admin");
    const res = await http("subscribers.create", {
      headers: { ...fromPage, cookie: admin.cookie, "x-csrf-token": admin.csrf },
      input: { username: "hardening-ok", domain: "switchboard.local", password: "secret12" },
    });
    assert.equal(res.status, 200, res.message);
  });
});

// ---- SQL meta-characters in every free-text query input ----

/**
 * Hostile strings for a search box or filter. LIKE wildcards after a real prefix ("a%", "a_ice")
 * would match alice if they were not escaped; the last three are Object.prototype names, which a
 * sort-key lookup with `in` would take for columns.
 */
const HOSTILE = [
  "'",
  '"',
  ";",
  "--",
  "%",
  "_",
  "\\",
  "`",
  "\0",
  "a%",
  "a_ice",
  "alice\\",
  "al\0ice",
  "' OR '1'='1",
  '" OR "1"="1',
  "%' OR 1=1 -- ",
  "1; DROP TABLE subscriber; --",
  "' UNION SELECT username, password_hash FROM sb_admin -- ",
  "__proto__",
  "constructor",
  "toString",
];
/** A plain string that matches nothing: what every hostile string must behave like. */
const PLAIN = "zzqq";

interface JsonSchemaProp {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
}

/** Free-text string inputs (no enum, no pattern) of a procedure, with their length limits. */
function freeTextFields(inputs: unknown[]): { required: string[]; props: Record<string, JsonSchemaProp> } {
  const props: Record<string, JsonSchemaProp> = {};
  const required: string[] = [];
  for (const schema of inputs) {
    const js = z.toJSONSchema(schema as z.ZodType, { unrepresentable: "any", io: "input" }) as {
      properties?: Record<string, JsonSchemaProp>;
      required?: string[];
    };
    Object.assign(props, js.properties ?? {});
    required.push(...(js.required ?? []));
  }
  return { required, props };
}

/** A valid value for a required input that is not the one under test. */
function requiredValue(name: string, prop: JsonSchemaProp, nodeId: number): unknown {
  if (prop.type === "integer" || prop.type === "number")
    return /node|^id$/i.test(name) ? nodeId : (prop.minimum ?? 1);
  if (prop.enum) return prop.enum[0];
  if (prop.type === "boolean") return false;
  return "x";
}

const rowsOf = (result: unknown) => (result as { rows?: unknown[] } | null)?.rows?.length;

async function answer(caller: Caller, path: string, input: unknown) {
  let rows: number | undefined;
  let message = "";
  const code = await codeOf(
    invokePath(caller, path, input).then(
      (result) => {
        rows = rowsOf(result);
      },
      (e: Error) => {
        message = e.message;
        throw e;
      },
    ),
  );
  return { code, rows, message };
}

test("SQL meta-characters in every free-text input of every query behave like plain text: same answer, no more rows, every table intact", async () => {
  const { caller } = await callerFor(t.db, "admin");
  const [node] = await t.db.select({ id: sbNode.id }).from(sbNode).where(eq(sbNode.name, "dead"));
  const before = await tableCounts();
  let checked = 0;
  for (const { path, type, inputs } of allProcedures) {
    if (type !== "query" || inputs.length === 0) continue;
    const { required, props } = freeTextFields(inputs);
    const base: Record<string, unknown> = {};
    for (const name of required) base[name] = requiredValue(name, props[name], node.id);
    for (const [field, prop] of Object.entries(props)) {
      if (prop.type !== "string" || prop.enum || prop.pattern || prop.const !== undefined) continue;
      const plain = await answer(caller, path, { ...base, [field]: PLAIN });
      assert.notEqual(
        plain.code,
        "INTERNAL_SERVER_ERROR",
        `${path}.${field} with plain text: ${plain.message}`,
      );
      for (const hostile of HOSTILE) {
        const value = hostile.slice(0, prop.maxLength ?? hostile.length);
        const got = await answer(caller, path, { ...base, [field]: value });
        const what = `${path} with ${field}=${JSON.stringify(value)}`;
        assert.equal(got.code, plain.code, `${what}: ${got.message}`);
        assert.ok(
          (got.rows ?? 0) <= (plain.rows ?? 0),
          `${what}: ${got.rows} rows, plain text gets ${plain.rows}`,
        );
        checked++;
      }
    }
  }
  assert.ok(checked > 500, `only ${checked} inputs checked`);
  // Reads that call a node log the RPC command in sb_audit; nothing else may change.
  const { sb_audit: _auditBefore, ...rest } = before;
  const { sb_audit: _auditAfter, ...restAfter } = await tableCounts();
  assert.deepEqual(restAfter, rest, "every table is still there with its rows");
});

// ---- Login lockout ----

test(`${MAX_FAILURES * 4} wrong passwords sent at once each count: the account is locked and the right password is refused`, async () => {
  await createAdmin(t.db, { username: "burst", password: "burst-password", role: "viewer" });
  const outcomes = await Promise.all(
    Array.from({ length: MAX_FAILURES * 4 }, () =>
      attemptLogin(t.db, { username: "burst", password: "guess" }),
    ),
  );
  assert.ok(outcomes.some((o) => o.status === "locked"));
  const [row] = await t.db.select().from(sbAdmin).where(eq(sbAdmin.username, "burst"));
  // Attempts that started after the lock was set stop at the lock without counting.
  assert.ok(row.failedLogins >= MAX_FAILURES, `${row.failedLogins} failures counted`);
  assert.ok(row.lockedUntil);
  assert.equal(
    (await attemptLogin(t.db, { username: "burst", password: "burst-password" })).status,
    "locked",
  );
});
