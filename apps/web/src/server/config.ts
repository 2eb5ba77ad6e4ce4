import "server-only";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Config, loadConfig } from "@switchboard/config";

let cached: Config | undefined;

/**
 * switchboard.config.json of the checkout: `npm run start -w @switchboard/web` runs in apps/web,
 * so the file at the repository root is looked for above the working directory too.
 */
function configFile(): string | undefined {
  if (process.env.SWITCHBOARD_CONFIG) return process.env.SWITCHBOARD_CONFIG;
  let dir = process.cwd();
  for (let i = 0; i < 3; i++) {
    const candidate = join(dir, "switchboard.config.json");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** The Switchboard configuration, read once per server process. */
export function appConfig(): Config {
  cached ??= loadConfig({ file: configFile() });
  return cached;
}
