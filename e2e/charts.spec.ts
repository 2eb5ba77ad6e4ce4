/** The Charts page on the demo week: every chart draws a canvas, and its procedure returns data. */
import { expect, test } from "@playwright/test";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";
import { ensureDemoTraffic } from "./support/traffic";

test.beforeAll(ensureDemoTraffic);
test.use({ storageState: storageStateOf("viewer") });

/** Chart test id -> the stats procedure behind it. */
const CHARTS = {
  calls: "calls",
  "asr-acd": "asrAcd",
  durations: "durations",
  "invite-replies": "inviteReplies",
  "top-callers": "topCallers",
  "top-callees": "topCallees",
  "sip-load": "sipLoad",
  memory: "memory",
  registered: "registered",
} as const;

/** True when a procedure's answer holds at least one non-zero number. */
function hasData(v: unknown): boolean {
  if (typeof v === "number") return v !== 0;
  if (Array.isArray(v)) return v.some(hasData);
  if (v && typeof v === "object") return Object.values(v).some(hasData);
  return false;
}

test("every chart of the last 72 hours renders a canvas from data", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto("/charts");
  // A drawn chart: the page is live (a click before hydration would be lost).
  await expect(page.getByTestId("chart-calls").locator("canvas")).toBeVisible();
  await page.getByRole("button", { name: "72 hours" }).click();
  await expect(page.getByRole("button", { name: "72 hours" })).toHaveAttribute("aria-pressed", "true");
  for (const [id, procedure] of Object.entries(CHARTS)) {
    const canvas = page.getByTestId(`chart-${id}`).locator("canvas");
    await expect(canvas, id).toBeVisible();
    const box = await canvas.boundingBox();
    expect(box?.width, id).toBeGreaterThan(100);
    expect(box?.height, id).toBeGreaterThan(50);
    const res = await page.request.get(
      `/api/trpc/stats.${procedure}?input=${encodeURIComponent(JSON.stringify({ range: "72h" }))}`,
    );
    expect(res.ok(), procedure).toBe(true);
    expect(hasData((await res.json()).result.data), `${procedure} returned data`).toBe(true);
  }
  await screenshot(page, testInfo, "charts-72h");

  await page.getByRole("button", { name: "Last hour" }).click();
  await expect(page.getByTestId("chart-sip-load").locator("canvas")).toBeVisible();
  await screenshot(page, testInfo, "charts-last-hour");
});

test("a custom range ending before it starts shows the reason in place of the charts", async ({ page }) => {
  await page.goto("/charts");
  await expect(page.getByTestId("chart-calls").locator("canvas")).toBeVisible();
  await page.getByLabel("Range from").fill("2026-02-02T00:00");
  await page.getByLabel("Range to").fill("2026-02-01T00:00");
  await page.getByRole("button", { name: "Show range" }).click();
  await expect(page.getByTestId("chart-calls").getByRole("alert")).toContainText("before its start");
});
