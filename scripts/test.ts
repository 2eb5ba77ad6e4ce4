/**
 * The README's test command (`npm test`): every check and every suite, with its own setup.
 *
 *   1. database: find or start MariaDB (packages/db lifecycle); tests create throw-away databases
 *   2. lint + format check (biome), type check (tsc)
 *   3. unit + integration tests: every *.test.ts beside the code (node:test + tsx)
 *   4. console build + end-to-end tests (Playwright in Debian's Chromium)
 *   5. the docker image and compose stack on a private engine (npm run docker:test)
 *
 * It ends with one plain line `N passed, N failed, N skipped` summing all suites; each check of
 * step 2 and the build count as one test.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ensureDatabase } from "../packages/db/src/lifecycle.ts";

const root = new URL("..", import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
const only = new Set(process.argv.slice(2)); // e.g. `npm test -- unit` runs one stage

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Like run(), echoing the output while keeping it for inspection. */
function runCapture(cmd: string, args: string[]): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    const keep = (d: Buffer) => {
      process.stdout.write(d);
      text = (text + d).slice(-100_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
  });
}

async function check(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(" ")}`);
  const code = await run(cmd, args, env);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(name);
  }
  return code === 0;
}

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === ".next" || entry.startsWith(".")) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (entry.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

/** Reads the closing counters of a TAP stream written by node's test runner. */
function tapTotals(file: string) {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const count = (k: string) => Number(new RegExp(`^# ${k} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
  const notOk = [...text.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  return {
    pass: count("pass"),
    fail: count("fail") + count("cancelled"),
    skip: count("skipped") + count("todo"),
    notOk,
  };
}

const wants = (stage: string) => only.size === 0 || only.has(stage);
const tmp = mkdtempSync(join(tmpdir(), "sb-test-"));
process.env.CI && console.log("CI run");

const db = await ensureDatabase({ log: (l) => console.log(l) });
const testEnv = { SWITCHBOARD_TEST_ADMIN_URL: db.adminUrl, NEXT_TELEMETRY_DISABLED: "1" };
try {
  if (wants("lint")) await check("lint", "npx", ["biome", "check", "--diagnostic-level=error", "."]);
  if (wants("typecheck")) {
    await check("typecheck", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
    if (existsSync(join(root, "apps/web/tsconfig.json")))
      await check("typecheck web", "npx", ["tsc", "-p", "apps/web/tsconfig.json", "--noEmit"]);
  }

  if (wants("unit")) {
    const files = ["packages", "apps", "docker"].flatMap((d) => findTests(join(root, d))).sort();
    const tap = join(tmp, "unit.tap");
    console.log(`\n=== unit + integration: ${files.length} files`);
    await run(
      "node",
      [
        "--import",
        "tsx",
        "--test",
        "--test-concurrency=2",
        "--test-timeout=300000",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=tap",
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      testEnv,
    );
    const t = tapTotals(tap);
    totals.passed += t.pass;
    totals.failed += t.fail;
    totals.skipped += t.skip;
    failures.push(...t.notOk.map((n) => `unit: ${n}`));
  }

  if (wants("e2e") && existsSync(join(root, "playwright.config.ts"))) {
    const built = await check("build web", "npm", ["run", "build", "-w", "@switchboard/web"], testEnv);
    if (built) {
      const report = join(tmp, "e2e.json");
      console.log("\n=== e2e (Playwright, Debian Chromium)");
      await run("npx", ["playwright", "test", "--reporter=list,json"], {
        ...testEnv,
        SB_FULL_E2E: "1",
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      });
      const stats = existsSync(report)
        ? (JSON.parse(readFileSync(report, "utf8")).stats as Record<string, number>)
        : { expected: 0, unexpected: 1, flaky: 0, skipped: 0 };
      totals.passed += stats.expected + stats.flaky;
      totals.failed += stats.unexpected;
      totals.skipped += stats.skipped;
      if (stats.unexpected) failures.push(`e2e: ${stats.unexpected} failed`);
      if (stats.flaky) console.log(`e2e: ${stats.flaky} flaky (failed once, passed on the retry)`);
    }
  }
  // The docker images and compose stack, built and run on a private engine (prints SKIP where none can run).
  if (wants("docker")) {
    console.log("\n=== docker: npm run docker:test");
    const out = await runCapture("npm", ["run", "docker:test"]);
    if (/^SKIP:/m.test(out.text)) totals.skipped++;
    else if (out.code === 0) totals.passed++;
    else {
      totals.failed++;
      failures.push("docker:test");
    }
  }
} finally {
  await db.stop();
  rmSync(tmp, { recursive: true, force: true });
}

if (failures.length) console.log(`\nfailed:\n  ${failures.join("\n  ")}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
