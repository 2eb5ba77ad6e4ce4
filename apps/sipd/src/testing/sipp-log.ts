/**
 * Which sipp calls succeeded, one by one: sipp's statistics only count them, but a test that kills or
 * cuts sipd mid-run must know *which* registrations got their 200 OK and *which* calls got the 200
 * to their BYE. successLogged() adds a <log> action to the last expected response of a scenario file
 * from bench/scenarios; sipp writes one line per success to the file given by successLogArgs().
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS } from "./harness.ts";

/**
 * The XML of bench/scenarios/`name` with a <log message="`message`"/> on its last `<recv response="200">`
 * (sipp keywords such as [call_id] or [field0] are expanded per call).
 *
 * With `cseqMethod`, the line ends with that method only when the 200 answers it: sipp takes any 200
 * whose CSeq method the call has sent, so a late retransmission of the INVITE's 200 OK also ends a
 * call "successfully" while its BYE is still unanswered (the BYE may then fail).
 */
export function successLogged(name: string, message: string, cseqMethod?: string): string {
  const xml = readFileSync(join(SCENARIOS, name), "utf8");
  const re = /<recv response="200"([^>]*?)\s*\/>/g;
  const last = [...xml.matchAll(re)].pop();
  if (!last || last.index === undefined) throw new Error(`${name}: no <recv response="200"/>`);
  const actions = cseqMethod
    ? `<ereg regexp="${cseqMethod}" search_in="hdr" header="CSeq:" assign_to="sb_method"/><log message="${message} [$sb_method]"/>`
    : `<log message="${message}"/>`;
  const tagged = `<recv response="200"${last[1]}><action>${actions}</action></recv>`;
  return xml.slice(0, last.index) + tagged + xml.slice(last.index + last[0].length);
}

/** sipp arguments that write the <log> lines to `file`. */
export function successLogArgs(file: string): string[] {
  return ["-trace_logs", "-log_file", file];
}

/** The lines sipp logged (sipp may add a timestamp prefix; `pattern` extracts the value). */
export function readSuccessLog(file: string, pattern: RegExp): string[] {
  if (!existsSync(file)) return [];
  const out: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = pattern.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}
