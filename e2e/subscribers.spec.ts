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
