/**
 * Dashboard and Registrations against a live sipd (started here on ephemeral loopback ports, over
 * the e2e database) and a node address where nothing answers: a sipp phone registers, its contact
 * shows live and can be unregistered; the dead node's card is red with the error, and its
 * registrations fall back to the location table.
 */
import { expect, test } from "@playwright/test";
import { createDb, sbNode } from "@switchboard/db";
import type { TestDatabase } from "@switchboard/db/testing";
import { inArray } from "drizzle-orm";
import { authRow, runSipp, startTestSipd, type TestSipd } from "../apps/sipd/src/testing/harness";
import { registerScenario, scenarioDir } from "../apps/sipd/src/testing/scenarios";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";
import { ensureDemoTraffic } from "./support/traffic";

const stamp = Date.now().toString(36);
const LIVE = `e2e-sipd-${stamp}`;
const DOWN = `e2e-down-${stamp}`;
let sipd: TestSipd;
let db: ReturnType<typeof createDb>;
let scenarios: ReturnType<typeof scenarioDir>;

test.beforeAll(async () => {
  await ensureDemoTraffic();
  const url = process.env.DATABASE_URL ?? "";
  db = createDb(url, { connectionLimit: 2 });
  // sipd runs on the console's database (the demo subscribers); stopping it leaves the database alone.
  const tdb = { ...db, url, name: "", drop: () => Promise.resolve() } as TestDatabase;
  sipd = await startTestSipd({}, { tdb, seed: false });
  await db.db.insert(sbNode).values([
    { name: LIVE, url: sipd.rpcUrl, kind: "sipd" },
    // Port 1 on loopback: the connection is refused at once.
    { name: DOWN, url: "http://127.0.0.1:1/RPC", kind: "kamailio" },
  ]);
  scenarios = scenarioDir();
  const res = await runSipp({
    scenario: scenarios.write("register.xml", registerScenario({ expires: 600 })),
    port: sipd.port,
    inject: [authRow("alice")],
    calls: 1,
  });
  expect(res.successful, res.output).toBe(1);
});

test.afterAll(async () => {
  await db?.db.delete(sbNode).where(inArray(sbNode.name, [LIVE, DOWN]));
  await sipd?.stop({ drop: false });
  scenarios?.cleanup();
  await db?.close();
});

test.describe("as an operator", () => {
  test.use({ storageState: storageStateOf("operator") });

  test("dashboard: the live node's state, and the unreachable node in red with its error", async ({
    page,
  }, testInfo) => {
    await page.goto("/dashboard");
    const live = page.getByTestId(`node-${LIVE}`);
    await expect(live).toContainText("up");
    await expect(live).toContainText("switchboard-sipd");
    await expect(live).toContainText(/[1-9]\d* users, [1-9]\d* contacts/);
    // Two polls apart, requests/s is a number.
    await expect(live.getByTestId("requests-per-second")).toContainText(/^\d+\.\d/, { timeout: 15_000 });
    const down = page.getByTestId(`node-${DOWN}`);
    await expect(down).toHaveClass(/node-down/);
    await expect(down.getByRole("alert")).toContainText(/ECONNREFUSED|refused/);
    await expect(page.getByTestId("chart-dash-load").locator("canvas")).toBeVisible();
    await screenshot(page, testInfo, "dashboard");
  });

  test("registrations: the registered phone live from ul.dump, then unregistered", async ({
    page,
  }, testInfo) => {
    await page.goto("/registrations");
    await page.getByLabel("Source").selectOption({ label: `node ${LIVE} (sipd)` });
    await expect(page.getByTestId("registrations-source")).toContainText(`from node ${LIVE}`);
    const table = page.getByRole("table", { name: "Registered contacts" });
    const row = table.getByRole("row").filter({ hasText: "sipp-register" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("alice@");
    await expect(row.locator("td").nth(2)).toHaveText(/^(9|10):\d\d$/);
    await expect(page.getByTestId("chart-user-agents").locator("canvas")).toBeVisible();
    await screenshot(page, testInfo, "registrations-live");

    await row.getByRole("button", { name: /^Unregister/ }).click();
    await page
      .getByRole("dialog", { name: "Unregister contact?" })
      .getByRole("button", { name: "Unregister" })
      .click();
    await expect(page.getByRole("status").filter({ hasText: "Unregistered" })).toBeVisible();
    await expect(row).toHaveCount(0);
  });

  test("registrations: an unreachable node falls back to the location table, labelled", async ({
    page,
  }, testInfo) => {
    await page.goto("/registrations");
    await page.getByLabel("Source").selectOption({ label: `node ${DOWN} (kamailio)` });
    const banner = page.getByTestId("registrations-source");
    await expect(banner).toContainText(`Node ${DOWN} did not answer`);
    await expect(banner).toContainText("location table");
    await expect(page.getByRole("button", { name: /^Unregister/ })).toHaveCount(0);
    await screenshot(page, testInfo, "registrations-fallback");
  });
});
