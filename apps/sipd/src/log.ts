/**
 * One line per event: JSON in containers (or when stdout is not a terminal), "time level event
 * key=value" on a terminal. The level can be changed at runtime (corex.debug / cfg.set core.debug).
 */
export type LogLevel = "debug" | "info" | "notice" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, notice: 25, warn: 30, error: 40 };
/** Kamailio's debug numbers (-3 alert .. 3 debug) mapped onto ours, for corex.debug. */
export const KAMAILIO_DEBUG_LEVELS: Record<number, LogLevel> = {
  [-3]: "error",
  [-2]: "error",
  [-1]: "error",
  0: "warn",
  1: "notice",
  2: "info",
  3: "debug",
  4: "debug",
};

export class Logger {
  constructor(
    public level: LogLevel = "info",
    private readonly json = !process.stdout.isTTY,
    private readonly out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {}

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    const time = new Date().toISOString();
    if (this.json) {
      this.out(JSON.stringify({ time, level, event, ...fields }));
      return;
    }
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(" ");
    this.out(`${time} ${level.toUpperCase().padEnd(6)} ${event}${kv ? ` ${kv}` : ""}`);
  }

  debug(event: string, fields?: Record<string, unknown>) {
    this.log("debug", event, fields);
  }
  info(event: string, fields?: Record<string, unknown>) {
    this.log("info", event, fields);
  }
  notice(event: string, fields?: Record<string, unknown>) {
    this.log("notice", event, fields);
  }
  warn(event: string, fields?: Record<string, unknown>) {
    this.log("warn", event, fields);
  }
  error(event: string, fields?: Record<string, unknown>) {
    this.log("error", event, fields);
  }
}
