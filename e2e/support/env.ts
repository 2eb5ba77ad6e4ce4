/**
 * What the e2e run shares between playwright.config.ts, the global setup and the specs: the console's
 * address and the test accounts the global setup creates in the test database.
 */
import type { AdminRole } from "@switchboard/db";

/** Port of the console under test (`next start`); E2E_PORT overrides. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3105);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

export interface TestAccount {
  username: string;
  password: string;
  role: AdminRole;
}

/** Created (or reset) by global-setup.ts; `locked` and `totp` exist for one test each. */
export const ACCOUNTS = {
  admin: { username: "e2e-admin", password: "e2e-admin-password", role: "admin" },
  operator: { username: "e2e-operator", password: "e2e-operator-password", role: "operator" },
  viewer: { username: "e2e-viewer", password: "e2e-viewer-password", role: "viewer" },
  locked: { username: "e2e-lockout", password: "e2e-lockout-password", role: "operator" },
  totp: { username: "e2e-totp", password: "e2e-totp-password", role: "viewer" },
} as const satisfies Record<string, TestAccount>;

export type AccountName = keyof typeof ACCOUNTS;

/** Browser state (session cookie) of a logged-in account, written by the global setup. */
export const storageStateOf = (name: AccountName) => `test-results/.auth/${name}.json`;
