import { expect, test } from "@playwright/test";
import { totp } from "../apps/web/src/server/auth/totp";
import { ACCOUNTS, storageStateOf } from "./support/env";
import { loginAs, loginViaForm, screenshot } from "./support/fixtures";

test("an admin logs in through the form and out again", async ({ page }, testInfo) => {
  await page.goto("/subscribers");
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, testInfo, "login");
  await loginAs(page, "admin");
  await expect(page).not.toHaveURL(/\/login$/);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admins" }),
  ).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/subscribers");
  await expect(page).toHaveURL(/\/login$/);
});

test("five wrong passwords lock the account, and then even the right one is refused", async ({
  page,
}, testInfo) => {
  const { username, password } = ACCOUNTS.locked;
  for (let i = 1; i <= 4; i++) {
    await loginViaForm(page, username, `wrong-${i}`);
    await expect(page.getByTestId("login-error")).toHaveText("Wrong username or password.");
  }
  await loginViaForm(page, username, "wrong-5");
  await expect(page.getByTestId("login-error")).toContainText("Account locked after 5 failed logins");
  await loginViaForm(page, username, password);
  await expect(page.getByTestId("login-error")).toContainText("Try again in 15 minutes");
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, testInfo, "lockout");
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateOf("viewer") });

  test("no mutation buttons are shown, and the API refuses the mutation anyway", async ({
    page,
  }, testInfo) => {
    await page.goto("/subscribers");
    await expect(page.getByTestId("current-user")).toContainText(ACCOUNTS.viewer.username);
    await expect(page.getByRole("table", { name: "Subscribers" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Add subscriber/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Edit/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Admins" })).toHaveCount(0);
    await screenshot(page, testInfo, "viewer-subscribers");

    // The same request the form would send, from the viewer's page with its CSRF token.
    const status = await page.evaluate(async () => {
      const me = await fetch("/api/trpc/auth.me").then((r) => r.json());
      const res = await fetch("/api/trpc/subscribers.create", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.result.data.csrfToken },
        body: JSON.stringify({ username: "viewer-made", domain: "example.com", password: "secret1" }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(status.status).toBe(403);
    expect(status.body.error.message).toContain("needs the operator role");
  });
});

test("TOTP: enrol on My account, then the login asks for the 6-digit code", async ({ page }, testInfo) => {
  const { username, password } = ACCOUNTS.totp;
  await loginAs(page, "totp");
  await page.goto("/account");
  await page.getByRole("button", { name: "Set up" }).click();
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
  await page.getByLabel("Code").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Logins ask for a code from your authenticator app.")).toBeVisible();
  await screenshot(page, testInfo, "account-totp");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await loginViaForm(page, username, password);
  const code = page.getByLabel("Authentication code");
  await expect(code).toBeVisible();
  await code.fill(totp(secret));
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("current-user")).toContainText(username);
});
