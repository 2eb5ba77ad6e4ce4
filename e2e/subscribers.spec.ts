import { readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";

test.use({ storageState: storageStateOf("operator") });

test("create a subscriber, find it in the list, refuse a duplicate, edit and delete it", async ({
  page,
}, testInfo) => {
  const username = `e2e${Date.now().toString(36)}`;
  await page.goto("/subscribers");
  await page.getByRole("button", { name: "Add subscriber" }).click();
  const dialog = page.getByRole("dialog", { name: "New subscriber" });
  await dialog.getByLabel("Username").fill(username);
  await dialog.getByLabel("Domain").fill("e2e.example.com");
  await dialog.getByLabel("Password").fill("123");
  await dialog.getByRole("button", { name: "Create subscriber" }).click();
  await expect(dialog.getByText("password needs at least 6 characters")).toBeVisible();
  await dialog.getByLabel("Password").fill("e2e-secret");
  await dialog.getByRole("button", { name: "Create subscriber" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Created subscriber" })).toBeVisible();

  const table = page.getByRole("table", { name: "Subscribers" });
  await page.getByLabel("Search").fill(username);
  const row = table.getByRole("row").filter({ hasText: username });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("e2e.example.com");
  await screenshot(page, testInfo, "subscribers");

  // The same account again: the duplicate message from the server lands under the username field.
  await page.getByRole("button", { name: "Add subscriber" }).click();
  await dialog.getByLabel("Username").fill(username);
  await dialog.getByLabel("Domain").fill("e2e.example.com");
  await dialog.getByLabel("Password").fill("e2e-secret");
  await dialog.getByRole("button", { name: "Create subscriber" }).click();
  await expect(dialog.getByText(`${username}@e2e.example.com already exists`)).toBeVisible();
  await screenshot(page, testInfo, "subscribers-duplicate");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await row.getByRole("button", { name: /^Edit/ }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${username}@e2e.example.com` });
  await edit.getByLabel("Username").fill(`${username}x`);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const renamed = table.getByRole("row").filter({ hasText: `${username}x` });
  await expect(renamed).toHaveCount(1);

  await renamed.getByRole("button", { name: /^Delete/ }).click();
  const confirm = page.getByRole("dialog", { name: "Delete subscriber?" });
  await expect(confirm).toContainText(`${username}x@e2e.example.com`);
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(table.getByText(`Nothing matches “${username}”.`)).toBeVisible();
});

test("bulk CSV import shows progress and a per-row report; export downloads the same format", async ({
  page,
}, testInfo) => {
  const tag = `imp${Date.now().toString(36)}`;
  const csv = [
    "username,domain,password",
    `${tag}a,e2e.example.com,secret-a1`,
    `${tag}b,e2e.example.com,secret-b1`,
    `${tag} bad,e2e.example.com,secret-c1`,
    `${tag}d,e2e.example.com,123`,
  ].join("\n");
  const file = testInfo.outputPath("import.csv");
  writeFileSync(file, csv);

  await page.goto("/subscribers");
  await page.getByRole("button", { name: "Import CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Import subscribers" });
  await dialog.getByLabel("CSV file").setInputFiles(file);
  await dialog.getByRole("button", { name: "Import", exact: true }).click();
  await expect(dialog.getByTestId("import-summary")).toHaveText(
    "2 created, 0 updated, 0 skipped, 2 with errors",
  );
  await expect(dialog.getByRole("progressbar")).toHaveAttribute("value", "4");
  const report = dialog.getByRole("table", { name: "Rows not imported" });
  await expect(report.getByRole("row").filter({ hasText: /^4/ })).toContainText(
    "username has characters not allowed",
  );
  await expect(report.getByRole("row").filter({ hasText: /^5/ })).toContainText(
    "password of at least 6 characters",
  );
  await screenshot(page, testInfo, "subscribers-import");
  await dialog.getByRole("button", { name: "Close" }).click();

  await page.getByLabel("Search").fill(tag);
  await expect(page.getByRole("table", { name: "Subscribers" }).getByRole("row")).toHaveCount(3);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const exported = readFileSync(await (await download).path(), "utf8");
  expect(exported.split("\r\n")[0]).toBe("username,domain,password,ha1,ha1b");
  expect(exported).toContain(`${tag}a,e2e.example.com,secret-a1,`);
});

test("a subscriber's detail page has tabs for aliases, speed dials, groups, registrations and calls", async ({
  page,
}, testInfo) => {
  const username = `det${Date.now().toString(36)}`;
  await page.goto("/aliases");
  await page.getByRole("button", { name: "Add alias" }).click();
  const dialog = page.getByRole("dialog", { name: "New alias" });
  await dialog.getByLabel("Alias username", { exact: true }).fill(`${username}-alias`);
  await dialog.getByLabel("Alias domain", { exact: true }).fill("e2e.example.com");
  await dialog.getByLabel("Target username", { exact: true }).fill(username);
  await dialog.getByLabel("Target domain", { exact: true }).fill("e2e.example.com");
  await dialog.getByRole("button", { name: "Create alias" }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/subscribers");
  await page.getByRole("button", { name: "Add subscriber" }).click();
  const add = page.getByRole("dialog", { name: "New subscriber" });
  await add.getByLabel("Username").fill(username);
  await add.getByLabel("Domain").fill("e2e.example.com");
  await add.getByLabel("Password").fill("e2e-secret");
  await add.getByRole("button", { name: "Create subscriber" }).click();
  await expect(add).toBeHidden();
  await page.getByLabel("Search").fill(username);
  await page.getByRole("link", { name: `Details ${username}@e2e.example.com` }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${username}@e2e.example.com`);
  await expect(page.getByRole("table", { name: "Aliases of this account" })).toContainText(
    `${username}-alias@e2e.example.com`,
  );
  await screenshot(page, testInfo, "subscriber-details");
  const tabs = page.getByRole("tablist", { name: "Subscriber details" });
  await tabs.getByRole("tab", { name: "Aliases" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(tabs.getByRole("tab", { name: "Speed dials" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("table", { name: "Speed dials of this account" })).toContainText(
    "No speed dials",
  );
  await tabs.getByRole("tab", { name: "Groups" }).click();
  await expect(page.getByRole("table", { name: "Groups" })).toContainText("Member of no group.");
  await tabs.getByRole("tab", { name: "Registrations" }).click();
  await expect(page.getByRole("table", { name: "Registrations" })).toContainText("No stored registrations.");
  await tabs.getByRole("tab", { name: "Recent calls" }).click();
  await expect(page.getByRole("table", { name: "Calls made" })).toContainText("No calls made.");
});
