/**
 * Database outage, end to end ("a database outage gives a visible error and recovers by itself"):
 * a console of its own (the same build, `next start` on another port) whose mysql2 pool reaches
 * MariaDB through a TCP relay (sipd's outage test uses the same one) that the test cuts, like MariaDB
 * stopping, and restores, like MariaDB starting again. The console process is never restarted.
 *
 * Node (RPC) outages are in live.spec.ts: the dead node's dashboard card and the registrations
 * fallback while the live node keeps working.
 */
import { expect, type Page, test } from "@playwright/test";
import { createDb, subscriber } from "@switchboard/db";
import { type DbRelay, startDbRelay } from "@switchboard/db/relay";
import { eq } from "drizzle-orm";
import { type ConsoleServer, startConsole } from "./support/console-server";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";

const USER = `outage${Date.now().toString(36)}`;
const DOMAIN = "outage.example.com";

let relay: DbRelay;
let server: ConsoleServer;
let db: ReturnType<typeof createDb>;

test.use({ storageState: storageStateOf("operator") });

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL ?? "";
  db = createDb(url, { connectionLimit: 1 });
  await db.db.insert(subscriber).values({ username: USER, domain: DOMAIN, ha1: "", ha1b: "" });
  relay = await startDbRelay(url);
  server = await startConsole({ DATABASE_URL: relay.url });
});

test.afterAll(async () => {
  await server?.stop();
  await relay?.close();
  await db?.db.delete(subscriber).where(eq(subscriber.username, USER));
  await db?.close();
});

// A failed test must not leave the next one without a database.
test.afterEach(() => {
  relay.restore();
});

/** The subscribers page of the relayed console, searched for the test's subscriber. */
async function openSubscribers(page: Page) {
  await page.goto(`${server.baseUrl}/subscribers`);
  const table = page.getByRole("table", { name: "Subscribers" });
  // Rows have arrived, so the page is hydrated and typing is not lost.
  await expect(table.getByRole("row").nth(1)).toBeVisible();
  await page.getByLabel("Search").fill(USER);
  await expect(table.getByRole("row").filter({ hasText: USER })).toHaveCount(1);
  return table;
}

test("a page open when the database goes away says so in the table and in the form, and Retry works once it is back", async ({
  page,
}, testInfo) => {
  const table = await openSubscribers(page);

  relay.cut();
  await page.getByLabel("Search").fill(`${USER}-x`);
  // The client retries what may heal by itself a couple of times before it shows the error.
  const error = table.getByRole("alert");
  await expect(error).toContainText(/Could not load: database unavailable/, { timeout: 20_000 });
  // The rest of the page is still there: navigation, search box, buttons.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("button", { name: "Add subscriber" }).click();
  const dialog = page.getByRole("dialog", { name: "New subscriber" });
  await dialog.getByLabel("Username").fill(`${USER}new`);
  await dialog.getByLabel("Domain").fill(DOMAIN);
  await dialog.getByLabel("Password").fill("outage-secret");
  await dialog.getByRole("button", { name: "Create subscriber" }).click();
  await expect(dialog.getByRole("alert")).toContainText("database unavailable");
  await screenshot(page, testInfo, "outage-open-page");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  relay.restore();
  await expect(async () => {
    const retry = error.getByRole("button", { name: "Retry" });
    if (await retry.isVisible()) await retry.click();
    await expect(table.getByText(`Nothing matches “${USER}-x”.`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  // A search never asked before goes to the database again.
  await page.getByLabel("Search").fill(USER.slice(0, -1));
  await expect(table.getByRole("row").filter({ hasText: USER })).toHaveCount(1);
});

test("a page loaded while the database is down: a known session stays logged in and reads 'database unavailable', an unknown one gets the readable card, not a 500; login and /health answer; it loads again once MariaDB is back", async ({
  page,
  browser,
  request,
}, testInfo) => {
  await openSubscribers(page);

  relay.cut();
  // The session was read while the database was up: the operator stays logged in (the RPC pages keep
  // working) and the subscribers table says what is missing.
  const res = await page.goto(`${server.baseUrl}/subscribers`);
  expect(res?.status()).toBeLessThan(500);
  await expect(page.getByText(/Could not load: database unavailable/).first()).toBeVisible({
    timeout: 20_000,
  });
  await screenshot(page, testInfo, "outage-page-load-known-session");

  // A session never seen before cannot be checked: the readable card, without SQL or parameters.
  const stranger = await browser.newContext();
  try {
    await stranger.addCookies([{ name: "sb_session", value: "x".repeat(43), url: server.baseUrl }]);
    const other = await stranger.newPage();
    const res2 = await other.goto(`${server.baseUrl}/subscribers`);
    expect(res2?.status()).toBeLessThan(500);
    const heading = other.getByRole("heading", { name: "Database unavailable" });
    await expect(heading).toBeVisible();
    const card = other.getByRole("alert").filter({ has: heading });
    await expect(card).toContainText(/database unavailable \((ECONNRESET|PROTOCOL_CONNECTION_LOST)\)/);
    await expect(card).not.toContainText(/select|sb_session|params/i);
    await screenshot(other, testInfo, "outage-page-load");
    // Pages that need no data still render: the login form.
    await other.goto(`${server.baseUrl}/login`);
    await expect(other.getByLabel("Username")).toBeVisible();
  } finally {
    await stranger.close();
  }

  const health = await request.get(`${server.baseUrl}/health`);
  expect(health.status()).toBe(503);
  expect(await health.json()).toMatchObject({ status: "degraded", database: "down" });

  relay.restore();
  await expect(async () => {
    await page.goto(`${server.baseUrl}/subscribers`);
    await expect(page.getByRole("table", { name: "Subscribers" }).getByRole("row").nth(1)).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 15_000 });
  expect((await request.get(`${server.baseUrl}/health`)).status()).toBe(200);
  await screenshot(page, testInfo, "outage-recovered");
});
