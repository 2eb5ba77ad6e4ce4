/**
 * End-to-end tests: the built console (`next start`) in Debian's Chromium, against the database in
 * DATABASE_URL (the test runner passes a throw-away migrated one). Without DATABASE_URL a throw-away
 * database is created here and dropped by the global teardown, so `npx playwright test` also works
 * on its own (after `npm run build -w @switchboard/web`).
 */
import { defineConfig } from "@playwright/test";
import { BASE_URL, E2E_PORT } from "./e2e/support/env";

if (!process.env.DATABASE_URL) {
  // Runs once in the runner process; the workers inherit the variable and skip this.
  const { createTestDatabase } = await import("@switchboard/db/testing");
  const db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.E2E_OWNED_DATABASE = db.name;
  await db.close();
}

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  globalTeardown: "./e2e/support/global-teardown.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // One retry on CI: a test that passes on the second try is reported as flaky, not hidden.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? "list" : [["list"]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    screenshot: "on",
    trace: "retain-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "npm run start -w @switchboard/web",
    url: `${BASE_URL}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      WEB_HOST: "127.0.0.1",
      WEB_PORT: String(E2E_PORT),
      DATABASE_URL: process.env.DATABASE_URL ?? "",
    },
  },
});
