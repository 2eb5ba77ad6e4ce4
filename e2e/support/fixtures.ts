/** Spec helpers: log in through the form, and save a named full-page screenshot as a test artifact. */
import { expect, type Page, type TestInfo } from "@playwright/test";
import { ACCOUNTS, type AccountName } from "./env";

export async function loginViaForm(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function loginAs(page: Page, name: AccountName) {
  const { username, password } = ACCOUNTS[name];
  await loginViaForm(page, username, password);
  await expect(page.getByTestId("current-user")).toContainText(username);
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}
