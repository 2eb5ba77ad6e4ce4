/** Accounting, CDRs (filters, CSV export, "generate CDRs now") and billing rates, on the demo week. */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createRow, fillDialog, rowOf } from "./support/crud";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";
import { ensureDemoTraffic } from "./support/traffic";

test.beforeAll(ensureDemoTraffic);

test.describe("as an operator", () => {
  test.use({ storageState: storageStateOf("operator") });

  test("accounting: acc and missed calls, filtered by caller and code", async ({ page }, testInfo) => {
    await page.goto("/accounting");
    const table = page.getByRole("table", { name: "Accounting records" });
    // Rows shown: the page is live (typing before hydration would be lost).
    await expect(table.locator("tbody tr").first()).toContainText("switchboard.local");
    // The page opens on the last 24 hours; widen it to the whole demo week.
    await page.getByLabel("From", { exact: true }).fill("");
    await page.getByLabel("Caller").fill("alice");
    await page.getByLabel("SIP code").fill("4xx");
    const rows = table.locator("tbody tr");
    // Both filters applied (they are debounced together) before the rows are read.
    await expect(rows.first().locator("td").nth(3)).toHaveText(/^4\d\d$/);
    await expect(table).toHaveAttribute("aria-busy", "false");
    // Retried until the list has settled on both filters (a snapshot of the rows could be one render old).
    await expect(rows.filter({ hasNotText: "alice@" })).toHaveCount(0);
    await expect(rows).not.toHaveCount(0);
    for (const row of await rows.all()) {
      await expect(row).toContainText("alice@");
      await expect(row.locator("td").nth(3)).toHaveText(/^4\d\d$/);
    }
    await screenshot(page, testInfo, "accounting");

    await page.getByRole("tab", { name: "Missed calls" }).click();
    const missed = page.getByRole("table", { name: "Missed calls" });
    await expect(missed.locator("tbody tr").first()).toContainText("alice");
    await screenshot(page, testInfo, "missed-calls");
  });

  test("CDRs: list, CSV export of the filtered rows, generate CDRs now", async ({ page }, testInfo) => {
    await page.goto("/cdrs");
    const table = page.getByRole("table", { name: "CDRs" });
    await expect(table.locator("tbody tr").first()).toContainText("@switchboard.local");
    await page.getByLabel("Callee").fill("+44");
    await expect(table.locator("tbody tr").first()).toContainText("+44");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const csv = readFileSync(await download.path(), "utf8")
      .trimEnd()
      .split("\r\n");
    expect(csv[0]).toMatch(/^cdr_id,call_start_time,duration,/);
    expect(csv.length).toBeGreaterThan(1);
    for (const line of csv.slice(1)) expect(line).toContain(",+44");

    await page.getByRole("button", { name: "Generate CDRs now" }).click();
    await expect(page.getByTestId("job-generate")).toContainText("done");
    await expect(page.getByTestId("job-generate")).toContainText("new CDRs");
    await screenshot(page, testInfo, "cdrs");
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: storageStateOf("admin") });

  test("billing rates: add, refuse a duplicate prefix, edit, delete", async ({ page }, testInfo) => {
    const prefix = `+99${Date.now().toString().slice(-6)}`;
    await page.goto("/billing");
    await createRow(page, "rate", {
      "Rate group": "e2e",
      Prefix: prefix,
      "Rate unit": "7",
      "Time unit (seconds)": "60",
    });
    const row = rowOf(page, "Billing rates", prefix);
    await expect(row).toContainText("e2e");
    await screenshot(page, testInfo, "billing-rates");

    await page.getByRole("button", { name: "Add rate" }).click();
    const dialog = await fillDialog(page, "New rate", {
      "Rate group": "e2e",
      Prefix: prefix,
      "Rate unit": "1",
      "Time unit (seconds)": "1",
    });
    await dialog.getByRole("button", { name: "Create rate" }).click();
    await expect(dialog.getByText(`rate group e2e already has prefix "${prefix}"`)).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await row.getByRole("button", { name: /^Edit/ }).click();
    const edit = await fillDialog(page, /^Edit/, { "Rate unit": "9" });
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(row.locator("td").nth(3)).toHaveText("9");
    await row.getByRole("button", { name: /^Delete/ }).click();
    await page.getByRole("dialog", { name: "Delete rate?" }).getByRole("button", { name: "Delete" }).click();
    await expect(row).toHaveCount(0);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateOf("viewer") });

  test("sees CDRs and rates but no job or edit buttons, and the procedures refuse", async ({ page }) => {
    await page.goto("/cdrs");
    await expect(page.getByRole("table", { name: "CDRs" }).locator("tbody tr").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate CDRs now" })).toHaveCount(0);
    await page.goto("/billing");
    await expect(
      page.getByRole("table", { name: "Billing rates" }).locator("tbody tr").first(),
    ).toBeVisible();
    await expect(page.getByRole("button", { name: "Add rate" })).toHaveCount(0);
    // The request the button would send, with the viewer's CSRF token: refused by the role check.
    const refused = await page.evaluate(async () => {
      const me = await fetch("/api/trpc/auth.me").then((r) => r.json());
      const res = await fetch("/api/trpc/cdrs.startJob", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.result.data.csrfToken },
        body: JSON.stringify({ kind: "generate" }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("needs the operator role");
  });
});
