/**
 * Console hardening through the real server (issue 8, item 9): the CSRF and Origin checks on the
 * built route handler, a forged form post from a page of the same site (the session cookie goes
 * along), and SQL meta-characters typed into every search box of the console. The procedure-level
 * walk over the whole router is apps/web/src/server/hardening.test.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, request, test } from "@playwright/test";
import { createDb, subscriber } from "@switchboard/db";
import { eq, like } from "drizzle-orm";
import { NAV } from "../apps/web/src/shared/nav";
import { BASE_URL, storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";

const stamp = Date.now().toString(36);
let db: ReturnType<typeof createDb>;

test.beforeAll(() => {
  db = createDb(process.env.DATABASE_URL ?? "", { connectionLimit: 1 });
});
test.afterAll(async () => {
  await db.db.delete(subscriber).where(like(subscriber.username, `csrf${stamp}%`));
  await db.close();
});

const exists = async (username: string) =>
  (await db.db.select().from(subscriber).where(eq(subscriber.username, username))).length > 0;

test.describe("the tRPC route of the built console", () => {
  let api: APIRequestContext;
  let csrf: string;

  test.beforeAll(async () => {
    api = await request.newContext({ baseURL: BASE_URL, storageState: storageStateOf("operator") });
    const me = await (await api.get("/api/trpc/auth.me")).json();
    csrf = me.result.data.csrfToken;
    expect(csrf).toBeTruthy();
  });
  test.afterAll(async () => {
    await api.dispose();
  });

  const create = (username: string, headers: Record<string, string>) =>
    api.post("/api/trpc/subscribers.create", {
      headers: { "content-type": "application/json", ...headers },
      data: { username, domain: "csrf.example.com", password: "csrf-secret" },
    });

  test("refuses an operator's mutation without the CSRF token or from another origin, and creates nothing", async () => {
    const refused: Record<string, Record<string, string>> = {
      "no CSRF token": { origin: BASE_URL, "sec-fetch-site": "same-origin" },
      "a wrong CSRF token": {
        origin: BASE_URL,
        "sec-fetch-site": "same-origin",
        "x-csrf-token": "0".repeat(48),
      },
      "a foreign Origin": { origin: "http://evil.example", "x-csrf-token": csrf },
      "Sec-Fetch-Site: cross-site": { "sec-fetch-site": "cross-site", "x-csrf-token": csrf },
      "Sec-Fetch-Site: same-site": { "sec-fetch-site": "same-site", "x-csrf-token": csrf },
      "neither Origin nor Sec-Fetch-Site": { "x-csrf-token": csrf },
    };
    let i = 0;
    for (const [label, headers] of Object.entries(refused)) {
      const username = `csrf${stamp}${i++}`;
      const res = await create(username, headers);
      expect(res.status(), label).toBe(403);
      expect((await res.json()).error.data.code, label).toBe("FORBIDDEN");
      expect(await exists(username), label).toBe(false);
    }
    // The same request as the console's page sends it goes through.
    const ok = await create(`csrf${stamp}ok`, {
      origin: BASE_URL,
      "sec-fetch-site": "same-origin",
      "x-csrf-token": csrf,
    });
    expect(ok.status(), await ok.text()).toBe(200);
    expect(await exists(`csrf${stamp}ok`)).toBe(true);
  });

  test("answers a mutation sent as GET with 405", async () => {
    const input = encodeURIComponent(JSON.stringify({ ids: [1] }));
    const res = await api.get(`/api/trpc/subscribers.delete?input=${input}`, {
      headers: { "x-csrf-token": csrf },
    });
    expect(res.status()).toBe(405);
  });
});

test.describe("a forged form on another origin of the same host", () => {
  test.use({ storageState: storageStateOf("operator") });
  let attacker: Server;
  let attackerUrl: string;
  const victim = `csrf${stamp}form`;

  test.beforeAll(async () => {
    // Same site as the console (127.0.0.1, another port): the browser sends the SameSite=Lax session
    // cookie along, so only the console's own checks stand in the way.
    const page = `<!doctype html><title>prize</title>
<form id="f" method="POST" enctype="multipart/form-data" action="${BASE_URL}/api/trpc/subscribers.create">
<input name="username" value="${victim}"><input name="domain" value="csrf.example.com">
<input name="password" value="csrf-secret"></form>
<script>document.getElementById("f").submit()</script>`;
    attacker = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(page));
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => attacker.close(resolve));
  });

  test("cannot create a subscriber: the console answers 403 cross-site request refused", async ({
    page,
  }, testInfo) => {
    const answered = page.waitForResponse(`${BASE_URL}/api/trpc/subscribers.create`);
    await page.goto(attackerUrl);
    const res = await answered;
    expect(res.status()).toBe(403);
    expect(await res.request().headerValue("cookie")).toContain("sb_session=");
    await expect(page.locator("body")).toContainText("cross-site request refused");
    await screenshot(page, testInfo, "csrf-form-refused");
    expect(await exists(victim)).toBe(false);
  });
});

test.describe("every search box", () => {
  test.use({ storageState: storageStateOf("admin") });

  /** Typed as an operator would paste them; each must find nothing and break nothing. */
  const HOSTILE = [
    "%",
    "_",
    "\\",
    "' OR '1'='1",
    '" OR 1=1 -- ',
    "%'; DROP TABLE subscriber; -- ",
    "` UNION SELECT 1",
  ];

  for (const { href, label } of NAV.flatMap((s) => s.items)) {
    test(`${label}: SQL meta-characters find nothing and raise no error`, async ({ page }) => {
      await page.goto(href);
      const box = page.getByRole("searchbox");
      if ((await box.count()) === 0) test.skip(true, "no search box on this page");
      const table = page.getByRole("table").first();
      // The list has answered, so the page is hydrated and typing is not lost.
      await expect(table.getByRole("cell", { name: "Loading…" })).toHaveCount(0);
      for (const text of HOSTILE) {
        await box.first().fill(text);
        await expect(table.getByText(`Nothing matches “${text.trim()}”.`)).toBeVisible();
        await expect(page.getByText("Could not load")).toHaveCount(0);
      }
      expect(await db.db.$count(subscriber)).toBeGreaterThan(0);
    });
  }
});

test("the CSV exports take their filters as text too", async () => {
  const api = await request.newContext({ baseURL: BASE_URL, storageState: storageStateOf("operator") });
  try {
    for (const path of [
      "/api/subscribers/export?search=%25",
      "/api/subscribers/export?search=_",
      "/api/export/acc?search=%25",
      "/api/export/cdrs?caller=%25&callee=_",
    ]) {
      const res = await api.get(path);
      expect(res.status(), path).toBe(200);
      const lines = (await res.text()).trim().split("\n");
      expect(lines, `${path}: only the header line`).toHaveLength(1);
    }
  } finally {
    await api.dispose();
  }
});
