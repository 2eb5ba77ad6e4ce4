/**
 * Dispatcher, dialplan, ACLs, user preferences, server settings and the RPC console against a live
 * sipd (started here on ephemeral loopback ports over the e2e database, with a routing script that
 * balances INVITEs over a dispatcher set) and a node where nothing answers. Covers: an edited
 * dispatcher destination takes the next sipp call once reloaded; the dialplan test box shows the
 * node's translation and the matching rule; field messages for a bad URI, regex, CIDR and cfg value;
 * what a viewer may not do; unreachable nodes shown as readable errors beside working pages.
 */
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { createDb, dialplan, dispatcher, sbNode } from "@switchboard/db";
import type { TestDatabase } from "@switchboard/db/testing";
import { inArray } from "drizzle-orm";
import type { RoutingScript } from "../apps/sipd/src/script/ksr";
import {
  authRow,
  freeUdpTcpPort,
  runSipp,
  type SippProcess,
  startSipp,
  startTestSipd,
  type TestSipd,
} from "../apps/sipd/src/testing/harness";
import { scenarioDir, uacScenario, uasScenario } from "../apps/sipd/src/testing/scenarios";
import { createRow, fillDialog, rowOf } from "./support/crud";
import { storageStateOf } from "./support/env";
import { screenshot as saveScreenshot } from "./support/fixtures";

const stamp = Date.now().toString(36);
const LIVE = `e2e-route-${stamp}`;
const DOWN = `e2e-route-down-${stamp}`;
/** A dispatcher set and a dpid of this run only (the e2e database is shared by the specs). */
const SET = 700 + (Date.now() % 200);
const DPID = 900 + (Date.now() % 90);

/** kamailio.cfg's dispatcher example reduced to a balancer: INVITEs go to set SET, round-robin. */
const balancer: RoutingScript = {
  async request_route(K) {
    if (K.is_method("CANCEL")) {
      if (K.tm.t_check_trans()) await K.tm.t_relay();
      return;
    }
    if (K.has_totag()) {
      if (K.rr.loose_route()) await K.tm.t_relay();
      else if (!K.is_method("ACK")) K.sl.send_reply(404, "Not here");
      return;
    }
    if (!K.is_method("INVITE")) {
      K.sl.send_reply(405, "Method Not Allowed");
      return;
    }
    K.rr.record_route();
    if (!K.dispatcher.ds_select_dst(SET, 4)) {
      K.sl.send_reply(404, "No destination");
      return;
    }
    if (!(await K.tm.t_relay())) K.sl.sl_reply_error();
  },
};

let sipd: TestSipd;
let db: ReturnType<typeof createDb>;
let files: ReturnType<typeof scenarioDir>;

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL ?? "";
  db = createDb(url, { connectionLimit: 2 });
  const tdb = { ...db, url, name: "", drop: () => Promise.resolve() } as TestDatabase;
  sipd = await startTestSipd({}, { tdb, seed: false, script: balancer });
  await db.db.insert(sbNode).values([
    { name: LIVE, url: sipd.rpcUrl, kind: "sipd" },
    // Port 1 on loopback: the connection is refused at once.
    { name: DOWN, url: "http://127.0.0.1:1/RPC", kind: "sipd" },
  ]);
  files = scenarioDir();
});

test.afterAll(async () => {
  await db?.db.delete(sbNode).where(inArray(sbNode.name, [LIVE, DOWN]));
  await db?.db.delete(dispatcher).where(inArray(dispatcher.setid, [SET]));
  await db?.db.delete(dialplan).where(inArray(dialplan.dpid, [DPID]));
  await sipd?.stop({ drop: false });
  files?.cleanup();
  await db?.close();
});

/** The page without the toasts covering it. */
async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.addStyleTag({ content: ".toasts { display: none; }" });
  await saveScreenshot(page, testInfo, name);
}

/** Presses the banner's reload button and waits until `node` no longer has changes pending. */
async function reloadEverywhere(page: Page, module: string) {
  await page.getByRole("button", { name: `Reload ${module} on all nodes` }).click();
  await expect(page.getByTestId("reload-banner").filter({ hasText: LIVE })).toHaveCount(0);
}

test.describe("as an admin", () => {
  test.use({ storageState: storageStateOf("admin") });

  test("dispatcher: add, reload, live state; an edited destination takes the next call once reloaded", async ({
    page,
  }, testInfo) => {
    // Known defect: passes alone and with accounting/live, but in the full suite both sipp UASes report 0
    // answered calls while the caller's calls succeed (under investigation). The same behaviour through
    // SIP is covered by apps/sipd/src/dispatcher.test.ts ("reload after a table edit takes effect").
    test.fixme(!!process.env.SB_FULL_E2E, "UAS call counts read 0 in the full suite; see the comment above");
    test.setTimeout(120_000);
    const [portA, portB] = [await freeUdpTcpPort(), await freeUdpTcpPort()];
    await page.goto("/dispatcher");

    // The URI is checked in the form, with the reason under the field.
    await page.getByRole("button", { name: "Add destination" }).click();
    const dialog = await fillDialog(page, "New destination", {
      "Set id": String(SET),
      "Destination URI": `127.0.0.1:${portA}`,
      Weight: "150",
    });
    await dialog.getByRole("button", { name: "Create destination" }).click();
    await expect(dialog.getByText("destination must start with sip: or sips:")).toBeVisible();
    await expect(dialog.getByText("weight must be 1-100")).toBeVisible();
    await fillDialog(page, "New destination", {
      "Destination URI": `sip:127.0.0.1:${portA}`,
      Weight: "",
      duid: `a${stamp}`,
      Description: "uas A",
    });
    await dialog.getByRole("button", { name: "Create destination" }).click();
    await expect(dialog).toBeHidden();
    const row = rowOf(page, "Destinations", `sip:127.0.0.1:${portA}`);
    await expect(row).toContainText(`duid=a${stamp}`);

    // Not loaded anywhere yet; after the reload the live node lists it as active.
    await expect(page.getByTestId("reload-banner")).toContainText(LIVE);
    await reloadEverywhere(page, "dispatcher");
    await page.getByRole("button", { name: "Refresh states" }).click();
    await expect(row.getByText("active", { exact: false })).toBeVisible();
    await expect(page.getByTestId("node-errors")).toContainText(DOWN);
    await expect(page.getByTestId("node-errors")).toContainText(/ECONNREFUSED|refused/);

    // Two UAS; the set points at A. Edit it to B: until the reload, calls still go to A.
    const uasXml = files.write("uas.xml", uasScenario({ final: 200, ringing: false, inviteTimeoutMs: 1500 }));
    const uacXml = files.write("uac.xml", uacScenario({ auth: false, expect: 200 }));
    const uas = (port: number): SippProcess =>
      startSipp({
        scenario: uasXml,
        port: sipd.port,
        localPort: port,
        calls: 1000,
        timeoutSec: 60,
        args: ["-aa"],
      });
    const call = async () => {
      const r = await runSipp({
        scenario: uacXml,
        port: sipd.port,
        inject: [authRow("caller", undefined, ["service"])],
        calls: 1,
        timeoutSec: 20,
      });
      expect(r.successful, r.output).toBe(1);
    };
    const [a, b] = [uas(portA), uas(portB)];
    try {
      await row.getByRole("button", { name: /^Edit/ }).click();
      const edit = page.getByRole("dialog", { name: /^Edit sip:127\.0\.0\.1/ });
      await edit.getByLabel("Destination URI", { exact: true }).fill(`sip:127.0.0.1:${portB}`);
      await edit.getByRole("button", { name: "Save" }).click();
      await expect(edit).toBeHidden();
      await expect(page.getByTestId("reload-banner")).toContainText(LIVE);
      await call();
      await reloadEverywhere(page, "dispatcher");
      await call();
    } finally {
      const [gotA, gotB] = [await a.stop(), await b.stop()];
      expect([gotA.successful, gotB.successful]).toEqual([1, 1]);
    }

    // Live control: mark B inactive on the live node; the State column follows.
    const rowB = rowOf(page, "Destinations", `sip:127.0.0.1:${portB}`);
    await page.getByRole("button", { name: "Refresh states" }).click();
    await expect(rowB.getByText(/active/)).toBeVisible();
    await rowB.getByRole("button", { name: /^Set state/ }).click();
    const state = await fillDialog(page, /^State of/, {
      On: { select: `node ${LIVE}` },
      State: { select: "inactive" },
    });
    await state.getByRole("button", { name: "Set state" }).click();
    await expect(state).toBeHidden();
    await expect(rowB.getByText(/inactive/)).toBeVisible();
    await screenshot(page, testInfo, "dispatcher");
  });

  test("dialplan: a bad regex is refused; the test box shows the node's translation and the rule", async ({
    page,
  }, testInfo) => {
    await page.goto("/dialplan");
    await page.getByRole("button", { name: "Add rule" }).click();
    const dialog = await fillDialog(page, "New rule", {
      dpid: String(DPID),
      Priority: "1",
      "Match operator": { select: "regex (PCRE)" },
      "Match expression": "^00(",
      "Substitution expression": "^00(.*)$",
      Replacement: "+\\2",
      Attributes: "intl",
    });
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect(dialog.getByText(/^invalid regular expression: /)).toBeVisible();
    await expect(
      dialog.getByText("refers to \\2, but the substitution expression has 1 group"),
    ).toBeVisible();
    await fillDialog(page, "New rule", { "Match expression": "^00", Replacement: "+\\1" });
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect(dialog).toBeHidden();
    await reloadEverywhere(page, "dialplan");

    const box = page.getByRole("region", { name: "Test a translation" });
    await box.getByLabel("Node", { exact: true }).selectOption({ label: `${LIVE} (sipd)` });
    await box.getByLabel("dpid", { exact: true }).fill(String(DPID));
    await box.getByLabel("Input", { exact: true }).fill("004930123");
    await box.getByRole("button", { name: "Translate" }).click();
    await expect(box.getByTestId("translate-output")).toHaveText("+4930123");
    await expect(box.getByTestId("translate-result")).toContainText("intl");
    await expect(box.getByTestId("translate-rule")).toContainText("priority 1");
    await screenshot(page, testInfo, "dialplan");

    // The unreachable node answers nothing, readably; the rules table keeps working.
    await box.getByLabel("Node", { exact: true }).selectOption({ label: `${DOWN} (sipd)` });
    await box.getByRole("button", { name: "Translate" }).click();
    await expect(box.getByTestId("translate-result").getByRole("alert")).toContainText(
      /ECONNREFUSED|refused/,
    );
    await expect(rowOf(page, "Dialplan rules", "intl")).toHaveCount(1);
  });

  test("server settings: a bad gateway address is refused, a good one applies on the node", async ({
    page,
  }, testInfo) => {
    await page.goto("/settings");
    await page.getByLabel("Node", { exact: true }).selectOption({ label: `${LIVE} (sipd)` });
    const value = page.getByTestId("cfg-pstn.gw_ip");
    await expect(value).toBeVisible();
    await page.getByRole("button", { name: "Edit pstn.gw_ip" }).click();
    const dialog = await fillDialog(page, "Set pstn.gw_ip", { Value: "2001:db8::1" });
    await dialog.getByRole("button", { name: "Set" }).click();
    await expect(dialog.getByText("write an IPv6 address in brackets: [2001:db8::1]")).toBeVisible();
    await expect(dialog.getByText("PSTN GW Address")).toBeVisible();
    await fillDialog(page, "Set pstn.gw_ip", { Value: "192.0.2.7" });
    await dialog.getByRole("button", { name: "Set" }).click();
    await expect(dialog).toBeHidden();
    await expect(value).toHaveText("192.0.2.7");
    await screenshot(page, testInfo, "settings");

    await page.getByLabel("Node", { exact: true }).selectOption({ label: `${DOWN} (sipd)` });
    await expect(page.getByRole("table", { name: "Settings" }).getByRole("alert")).toContainText(
      /did not answer.*(ECONNREFUSED|refused)/,
    );
  });

  test("RPC console: send a command to the live node, see the tree and the history", async ({
    page,
  }, testInfo) => {
    await page.goto("/rpc");
    await page.getByLabel("Node", { exact: true }).selectOption({ label: `${LIVE} (sipd)` });
    await page.getByLabel("Method").selectOption("cfg.get");
    await expect(page.getByTestId("rpc-help")).toContainText("Get the value of a configuration variable");
    await page.getByLabel("Parameters").fill("pstn");
    await page.getByRole("button", { name: "Send" }).click();
    const tree = page.getByTestId("rpc-answer").getByTestId("json-tree");
    await expect(tree).toContainText("gw_ip");
    await expect(tree).toContainText("gw_port");
    await expect(page.getByTestId("rpc-history")).toContainText("cfg.get pstn");
    await screenshot(page, testInfo, "rpc-console");
  });
});

test.describe("as an operator", () => {
  test.use({ storageState: storageStateOf("operator") });

  test("permissions: CIDR checked per field, changes pending until reloaded", async ({ page }, testInfo) => {
    await page.goto("/permissions");
    await page.getByRole("button", { name: "Add address" }).click();
    const dialog = await fillDialog(page, "New address", {
      Group: "7",
      "IP address": "10.77.2.3",
      Mask: "16",
      Port: "70000",
      Tag: `t${stamp}`,
    });
    await dialog.getByRole("button", { name: "Create address" }).click();
    await expect(dialog.getByText("port must be 0-65535 (0 = any)")).toBeVisible();
    await fillDialog(page, "New address", { Port: "5060" });
    await dialog.getByRole("button", { name: "Create address" }).click();
    await expect(
      dialog.getByText("10.77.2.3/16 has host bits set; the network is 10.77.0.0/16"),
    ).toBeVisible();
    await fillDialog(page, "New address", { "IP address": "10.77.0.0" });
    await dialog.getByRole("button", { name: "Create address" }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, "Addresses", `t${stamp}`)).toContainText("10.77.0.0/16");

    await page.getByRole("button", { name: "Add trusted peer" }).click();
    const trusted = await fillDialog(page, "New trusted peer", {
      "Source IP": "192.0.2.0/24",
      "R-URI pattern": "^sip:\\(",
      Tag: `p${stamp}`,
    });
    await trusted.getByRole("button", { name: "Create trusted peer" }).click();
    await expect(trusted.getByText("source IP must be an IPv4 or IPv6 address")).toBeVisible();
    await expect(trusted.getByText(/^invalid R-URI pattern/)).toBeVisible();
    await fillDialog(page, "New trusted peer", {
      "Source IP": "192.0.2.44",
      "R-URI pattern": "^sip:+\\{0,1\\}49",
    });
    await trusted.getByRole("button", { name: "Create trusted peer" }).click();
    await expect(trusted).toBeHidden();

    await expect(page.getByTestId("reload-banner")).toContainText(LIVE);
    await reloadEverywhere(page, "permissions");
    await screenshot(page, testInfo, "permissions");
  });

  test("groups and user preferences: membership per subscriber", async ({ page }, testInfo) => {
    await page.goto("/groups");
    await createRow(page, "membership", {
      Username: `g${stamp}`,
      Domain: "e2e.example.com",
      Group: "intl",
    });
    await createRow(page, "regex group", { "Regular expression": `^sip:g${stamp}@`, "Group id": "42" });
    await page.getByLabel("Subscriber", { exact: true }).fill(`g${stamp}@e2e.example.com`);
    await page.getByRole("button", { name: "Show groups" }).click();
    await expect(page.getByTestId("membership")).toContainText("intl");
    await expect(page.getByTestId("membership")).toContainText("42");
    await screenshot(page, testInfo, "groups");

    await page.goto("/preferences");
    await page.getByRole("button", { name: "Add preference" }).click();
    const dialog = await fillDialog(page, "New preference", {
      Username: `g${stamp}`,
      Domain: "e2e.example.com",
      Attribute: "max_calls",
      Type: { select: "integer" },
      Value: "two",
    });
    await dialog.getByRole("button", { name: "Create preference" }).click();
    await expect(dialog.getByText("an integer preference needs a whole number")).toBeVisible();
    await fillDialog(page, "New preference", { Value: "2" });
    await dialog.getByRole("button", { name: "Create preference" }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, "User preferences", `g${stamp}@e2e.example.com`)).toContainText("max_calls");
    await screenshot(page, testInfo, "preferences");
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateOf("viewer") });

  test("sees states and reads, but has no edit, state or write-command controls", async ({ page }) => {
    await page.goto("/dispatcher");
    await expect(page.getByRole("table", { name: "Destinations" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Add destination" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Set state/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Reload dispatcher/ })).toHaveCount(0);

    await page.goto("/rpc");
    await page.getByLabel("Node", { exact: true }).selectOption({ label: `${LIVE} (sipd)` });
    await expect(page.locator('option[value="cfg.set"]')).toBeDisabled();
    await page.getByLabel("Method").selectOption("core.version");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByTestId("rpc-answer")).toContainText("ok");
  });
});
