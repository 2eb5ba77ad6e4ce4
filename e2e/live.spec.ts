/**
 * Dashboard and Registrations against a live sipd (started here on ephemeral loopback ports, over
 * the e2e database) and a node address where nothing answers: a sipp phone registers, its contact
 * shows live and can be unregistered; the dead node's card is red with the error, and its
 * registrations fall back to the location table.
 */
import { expect, test } from "@playwright/test";
import { createDb, sbNode } from "@switchboard/db";
import type { TestDatabase } from "@switchboard/db/testing";
import { createRpcClient } from "@switchboard/rpc/client";
import { normalizeUlDump } from "@switchboard/rpc/normalize";
import { inArray } from "drizzle-orm";
import {
  authRow,
  freeUdpTcpPort,
  registerFrom,
  runSipp,
  startSipp,
  startTestSipd,
  type TestSipd,
} from "../apps/sipd/src/testing/harness";
import { registerScenario, scenarioDir, uacScenario, uasScenario } from "../apps/sipd/src/testing/scenarios";
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
  await dropBindings("alice");
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
    // The first source has answered: the page is live (a choice before hydration would be lost).
    await expect(page.getByTestId("registrations-source")).toBeVisible();
    await page.getByLabel("Source").selectOption({ label: `node ${LIVE} (sipd)` });
    await expect(page.getByTestId("registrations-source")).toContainText(`from node ${LIVE}`);
    const table = page.getByRole("table", { name: "Registered contacts" });
    const row = table.getByRole("row").filter({ hasText: "sipp-register" }).filter({ hasText: "sip:alice@" });
    await expect(row).toHaveCount(1);
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
    // The first source has answered: the page is live (a choice before hydration would be lost).
    await expect(page.getByTestId("registrations-source")).toBeVisible();
    await page.getByLabel("Source").selectOption({ label: `node ${DOWN} (kamailio)` });
    const banner = page.getByTestId("registrations-source");
    await expect(banner).toContainText(`Node ${DOWN} did not answer`);
    await expect(banner).toContainText("location table");
    await expect(page.getByRole("button", { name: /^Unregister/ })).toHaveCount(0);
    await screenshot(page, testInfo, "registrations-fallback");
  });
});

/** Drops a user's bindings, so only the sipp phone registered next is reached (no forking to old ones). */
async function dropBindings(user: string): Promise<void> {
  const rpc = createRpcClient({ url: sipd.rpcUrl, protocol: "jsonrpc" });
  for (const c of normalizeUlDump(await rpc.callRaw("ul.dump", [])))
    if (c.aor === user || c.aor.startsWith(`${user}@`)) await rpc.callRaw("ul.rm", [c.table, c.aor]);
}

/** alice calls bob (a sipp UAS registered as bob that answers with `final`) with this Call-ID. */
async function call(final: 200 | 486, callId: string): Promise<void> {
  await dropBindings("bob");
  const port = await freeUdpTcpPort();
  const reg = await registerFrom(sipd.port, "bob", port);
  expect(reg.successful, reg.output).toBe(1);
  const uas = startSipp({
    scenario: scenarios.write(`uas-${final}.xml`, uasScenario({ final })),
    port: sipd.port,
    calls: 1,
    localPort: port,
    timeoutSec: 20,
  });
  const uac = await runSipp({
    scenario: scenarios.write(`uac-${final}.xml`, uacScenario({ expect: final, ringing: true })),
    port: sipd.port,
    inject: [authRow("alice", undefined, ["bob"])],
    calls: 1,
    duration: 1500,
    timeoutSec: 20,
    args: ["-cid_str", callId],
  });
  expect(uac.successful, uac.output).toBe(1);
  expect((await uas.done).successful).toBe(1);
}

test.describe("calls through the live sipd", () => {
  test.use({ storageState: storageStateOf("operator") });

  test("an answered and a busy sipp call show in Accounting, CDRs and the charts", async ({
    page,
  }, testInfo) => {
    const answered = `e2e-answered-${stamp}`;
    const busy = `e2e-busy-${stamp}`;
    await call(200, answered);
    await call(486, busy);

    // sipd builds the CDR once the BYE is accounted.
    const listed = (search: string) =>
      page.request
        .get(`/api/trpc/cdrs.list?input=${encodeURIComponent(JSON.stringify({ search }))}`)
        .then(async (r) => (await r.json()).result.data.rows.length as number);
    await expect.poll(() => listed(answered), { timeout: 15_000 }).toBe(1);
    // The default script accounts the failed INVITE to a local user in missed_calls (FLT_ACCMISSED).
    const missed = () =>
      page.request
        .get(
          `/api/trpc/accounting.list?input=${encodeURIComponent(JSON.stringify({ search: busy, table: "missed_calls" }))}`,
        )
        .then(async (r) => (await r.json()).result.data.rows.map((row: { sipCode: string }) => row.sipCode));
    await expect.poll(missed, { timeout: 15_000 }).toContain("486");

    await page.goto("/cdrs");
    await expect(page.getByRole("table", { name: "CDRs" }).locator("tbody tr").first()).toContainText("@");
    await page.getByLabel("Search by Call-ID").fill(answered);
    const cdrs = page.getByRole("table", { name: "CDRs" });
    const cdr = cdrs.locator("tbody tr");
    await expect(cdr.filter({ hasText: answered })).toHaveCount(1);
    await expect(cdrs).toHaveAttribute("aria-busy", "false");
    await expect(cdr).toHaveCount(1);
    await expect(cdr).toContainText("alice@");
    await expect(cdr).toContainText("bob");
    await screenshot(page, testInfo, "cdrs-live-call");

    await page.goto("/accounting");
    await expect(
      page.getByRole("table", { name: "Accounting records" }).locator("tbody tr").first(),
    ).toContainText("@");
    await page.getByLabel("Search by Call-ID").fill(answered);
    const records = page.getByRole("table", { name: "Accounting records" });
    const acc = records.locator("tbody tr");
    await expect(acc.filter({ hasText: answered })).toHaveCount(2);
    await expect(records).toHaveAttribute("aria-busy", "false");
    await expect(acc).toHaveCount(2);
    await expect(acc.filter({ hasText: "INVITE" })).toContainText("200");
    await expect(acc.filter({ hasText: "BYE" })).toHaveCount(1);
    await page.getByRole("tab", { name: "Missed calls" }).click();
    await page.getByLabel("Search by Call-ID").fill(busy);
    await expect(page.getByRole("table", { name: "Missed calls" }).locator("tbody tr").first()).toContainText(
      "486",
    );

    await page.goto("/charts");
    await expect(page.getByTestId("chart-calls").locator("canvas")).toBeVisible();
    await page.getByRole("button", { name: "Last hour" }).click();
    await expect(page.getByRole("button", { name: "Last hour" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("chart-calls").locator("canvas")).toBeVisible();
    await expect(page.getByTestId("chart-invite-replies").locator("canvas")).toBeVisible();
    // The chart procedures cache their answer for 10 s: poll past that for the calls just made.
    const codes = () =>
      page.request
        .get(`/api/trpc/stats.inviteReplies?input=${encodeURIComponent(JSON.stringify({ range: "1h" }))}`)
        .then(async (r) => ((await r.json()).result.data as { code: string }[]).map((row) => row.code));
    await expect
      .poll(codes, { timeout: 25_000, intervals: [2_000] })
      .toEqual(expect.arrayContaining(["200", "486"]));
    await screenshot(page, testInfo, "charts-live-calls");
  });
});
