/** The table pages besides subscribers: create, list, edit or delete, as the role that may. */
import { expect, test } from "@playwright/test";
import { createRow, deleteRow, fillDialog, rowOf } from "./support/crud";
import { storageStateOf } from "./support/env";
import { screenshot } from "./support/fixtures";

const stamp = Date.now().toString(36);

test.describe("as an operator", () => {
  test.use({ storageState: storageStateOf("operator") });

  test("aliases: add one pointing to an account, then delete it", async ({ page }, testInfo) => {
    await page.goto("/aliases");
    await createRow(page, "alias", {
      "Alias username": `sales${stamp}`,
      "Alias domain": "e2e.example.com",
      "Target username": "alice",
      "Target domain": "e2e.example.com",
    });
    const row = rowOf(page, "Aliases", `sales${stamp}@e2e.example.com`);
    await expect(row).toContainText("alice@e2e.example.com");
    await screenshot(page, testInfo, "aliases");
    // A second row for the same alias is refused with the current target named.
    await page.getByRole("button", { name: "Add alias" }).click();
    const dialog = await fillDialog(page, "New alias", {
      "Alias username": `sales${stamp}`,
      "Alias domain": "e2e.example.com",
      "Target username": "bob",
      "Target domain": "e2e.example.com",
    });
    await dialog.getByRole("button", { name: "Create alias" }).click();
    await expect(dialog.getByText("already points to alice@e2e.example.com")).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await deleteRow(page, "Aliases", `sales${stamp}@`, "alias");
  });

  test("speed dial: a short number with a validated target URI", async ({ page }, testInfo) => {
    await page.goto("/speeddial");
    await page.getByRole("button", { name: "Add speed dial" }).click();
    const dialog = await fillDialog(page, "New speed dial", {
      "Account username": `sd${stamp}`,
      "Short number": "11",
      "Target URI": "bob at example",
    });
    await dialog.getByRole("button", { name: "Create speed dial" }).click();
    await expect(dialog.getByText("target must be a sip: or sips: URI")).toBeVisible();
    await dialog.getByLabel("Target URI", { exact: true }).fill("sip:bob@e2e.example.com");
    await dialog.getByRole("button", { name: "Create speed dial" }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, "Speed dials", `sd${stamp}@`)).toContainText("sip:bob@e2e.example.com");
    await screenshot(page, testInfo, "speeddial");
  });

  test("domains are read-only for an operator", async ({ page }) => {
    await page.goto("/domains");
    await expect(page.getByRole("table", { name: "Domains" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Add domain" })).toHaveCount(0);
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: storageStateOf("admin") });

  test("nodes: add an unreachable node, see the health check fail in red", async ({ page }, testInfo) => {
    await page.goto("/nodes");
    await createRow(page, "node", { Name: `dead${stamp}`, "RPC URL": "http://127.0.0.1:9/RPC" });
    const row = rowOf(page, "Nodes", `dead${stamp}`);
    await row.getByRole("button", { name: /^Check/ }).click();
    await expect(page.getByTestId(`health-dead${stamp}`).locator(".badge-bad")).toContainText("unreachable");
    await screenshot(page, testInfo, "nodes");
  });

  test("domains: a new domain shows which nodes still need a reload", async ({ page }, testInfo) => {
    await page.goto("/domains");
    await createRow(page, "domain", { Domain: `d${stamp}.example.com` });
    await expect(rowOf(page, "Domains", `d${stamp}.example.com`)).toHaveCount(1);
    const banner = page.getByTestId("reload-banner");
    await expect(banner).toContainText("Changes not yet loaded on");
    await expect(banner).toContainText(`dead${stamp}`);
    await banner.getByRole("button", { name: "Reload domain on all nodes" }).click();
    await expect(page.getByRole("alert").filter({ hasText: `Reload on dead${stamp} failed` })).toBeVisible();
    await expect(banner).toContainText(`dead${stamp}`);
    await screenshot(page, testInfo, "domains");
    await deleteRow(page, "Domains", `d${stamp}.example.com`, "domain");
  });

  test("admins: create a viewer account, then delete it", async ({ page }, testInfo) => {
    await page.goto("/admins");
    await createRow(page, "admin", {
      Username: `v${stamp}`,
      Role: { select: "viewer" },
      Password: "viewer-password-1",
    });
    await expect(rowOf(page, "Admins", `v${stamp}`)).toContainText("viewer");
    await screenshot(page, testInfo, "admins");
    await deleteRow(page, "Admins", `v${stamp}`, "admin");
  });

  test("audit log: the changes above are listed and filterable by action", async ({ page }, testInfo) => {
    await page.goto("/audit");
    await page.getByLabel("Action", { exact: true }).fill("nodes.");
    const table = page.getByRole("table", { name: "Audit log" });
    await expect(table.getByRole("row").filter({ hasText: "nodes.create" }).first()).toBeVisible();
    await page.getByLabel("Action", { exact: true }).fill("rpc:domain.reload");
    await expect(
      table
        .getByRole("row")
        .filter({ hasText: `dead${stamp}` })
        .first(),
    ).toContainText("failed");
    await screenshot(page, testInfo, "audit");
  });
});
