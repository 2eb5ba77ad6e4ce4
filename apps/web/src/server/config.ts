import "server-only";
import { type Config, loadConfig } from "@switchboard/config";

let cached: Config | undefined;

/** The Switchboard configuration, read once per server process. */
export function appConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
