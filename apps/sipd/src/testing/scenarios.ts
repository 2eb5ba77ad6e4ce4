/**
 * sipp scenarios generated per test: sipp's <recv response="..."> is literal, so a test that expects
 * a particular final response (404, 486, 487, ...) writes its own scenario file. The builders below
 * cover the caller (UAC, with the 407 digest round of the default script) and the callee (UAS)
 * sides of one call; `writeScenario` puts the XML in a temp dir that `cleanup` removes.
 *
 * Injection fields, as in bench/scenarios/call-auth.xml: 0 caller, 1 domain, 2 "[authentication ...]",
 * 3 callee (R-URI user).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SDP = `v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

/**
 * Collects scenario elements and remembers their indices: sipp numbers every element (send, recv,
 * pause, nop) and builds `[branch-N]` from the index N elements back, which is how an ACK or
 * CANCEL reuses the branch of its INVITE.
 */
export class Scenario {
  private readonly parts: string[] = [];
  private count = 0;

  constructor(private readonly name: string) {}

  /** Index the next element gets. */
  get next(): number {
    return this.count;
  }

  /** `[branch-N]` naming the branch of the element at `index`, for the next send. */
  branchOf(index: number): string {
    const back = this.count - index;
    return back === 0 ? "[branch]" : `[branch-${back}]`;
  }

  send(message: string, retrans?: number): number {
    const body = message
      .trim()
      .split("\n")
      .map((l) => `      ${l.trim()}`)
      .join("\n");
    const attr = retrans ? ` retrans="${retrans}"` : "";
    this.parts.push(`  <send${attr}><![CDATA[\n\n${body}\n\n  ]]></send>`);
    return this.count++;
  }

  recv(attrs: string, actions = ""): number {
    this.parts.push(actions ? `  <recv ${attrs}><action>${actions}</action></recv>` : `  <recv ${attrs}/>`);
    return this.count++;
  }

  raw(xml: string): number {
    this.parts.push(`  ${xml}`);
    return this.count++;
  }

  /** Appends an element that sipp does not number (label, Global variables). */
  meta(xml: string): void {
    this.parts.push(`  ${xml}`);
  }

  xml(): string {
    // sipp refuses a scenario whose variable is only assigned, unless it is declared global.
    const globals = this.parts.some((p) => p.includes('assign_to="dummy"'))
      ? `  <Global variables="dummy" />\n`
      : "";
    return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${this.name}">\n${globals}${this.parts.join("\n")}\n</scenario>\n`;
  }
}

/** A sipp <ereg> that fails the call unless `regexp` matches (search_in="msg" or a header). */
export function mustMatch(regexp: string, where: { header?: string } = {}): string {
  const xmlRe = regexp.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
  const src = where.header ? `search_in="hdr" header="${where.header}"` : `search_in="msg"`;
  return `<ereg regexp="${xmlRe}" ${src} check_it="true" assign_to="dummy"/>`;
}

export interface UacOptions {
  /** Answer the first INVITE's 407 with the injected credentials (default true). */
  auth?: boolean;
  /** Request-URI (default sip:[field3]@[field1]). */
  ruri?: string;
  /** From URI (default sip:[field0]@[field1]). */
  from?: string;
  /** The final response the caller must get. */
  expect: number;
  /** Require a 180 before the final response. */
  ringing?: boolean;
  /** CANCEL the INVITE after the 180 (expects 200 for the CANCEL, then `expect`, normally 487). */
  cancel?: boolean;
  /** Send the (authenticated) INVITE a second time after the 180, as an unchanged retransmission. */
  retransmit?: boolean;
  /** Extra header lines in the INVITE. */
  headers?: string[];
  /** Checks (sipp <ereg> actions) run on the final response. */
  finalChecks?: string;
  method?: "INVITE" | "OPTIONS";
}

/**
 * The calling side: [INVITE -> 407 -> ACK ->] INVITE (+credentials) -> [100] [180] ->
 * [CANCEL -> 200] -> final; a 2xx is ACKed along the Record-Route set, the call lasts -d ms, then
 * BYE -> 200. A non-2xx final is ACKed with the INVITE's branch (§17.1.1.3).
 */
export function uacScenario(o: UacOptions): string {
  const s = new Scenario(`uac-${o.expect}`);
  const method = o.method ?? "INVITE";
  const ruri = o.ruri ?? "sip:[field3]@[field1]";
  const from = o.from ?? "sip:[field0]@[field1]";
  const isInvite = method === "INVITE";
  const request = (cseq: number, creds: boolean) =>
    message(
      [
        `${method} ${ruri} SIP/2.0`,
        "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport",
        `From: <${from}>;tag=[pid]C[call_number]`,
        `To: <${ruri}>`,
        "Call-ID: [call_id]",
        `CSeq: ${cseq} ${method}`,
        "Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>",
        ...(creds ? ["[field2]"] : []),
        ...(o.headers ?? []),
        ...(o.headers?.some((h) => /^max-forwards:/i.test(h)) ? [] : ["Max-Forwards: 70"]),
        "User-Agent: sipp-uac",
      ],
      isInvite ? SDP : undefined,
    );
  const nonInviteAck = (inviteIdx: number, cseq: number) => `
ACK ${ruri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${s.branchOf(inviteIdx)};rport
From: <${from}>;tag=[pid]C[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0
`;
  let cseq = 1;
  if (o.auth !== false) {
    const first = s.send(request(cseq, false), 500);
    s.recv(`response="100" optional="true"`);
    s.recv(`response="407" auth="true"`);
    if (isInvite) s.send(nonInviteAck(first, cseq));
    cseq++;
  }
  const invite = s.send(request(cseq, o.auth !== false), 500);
  if (isInvite) s.recv(`response="100" optional="true"`);
  if (o.ringing || o.cancel || o.retransmit) s.recv(`response="180"`);
  if (o.retransmit) {
    // Same branch, CSeq and body: a retransmission the proxy's server transaction must absorb
    // (RFC 3261 §17.2.1), answering with the last provisional again.
    s.send(request(cseq, o.auth !== false).replace("branch=[branch]", `branch=${s.branchOf(invite)}`));
    s.recv(`response="180" optional="true"`);
  }
  if (o.cancel) {
    s.send(`
CANCEL ${ruri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${s.branchOf(invite)};rport
From: <${from}>;tag=[pid]C[call_number]
To: <${ruri}>
Call-ID: [call_id]
CSeq: ${cseq} CANCEL
Max-Forwards: 70
Content-Length: 0
`);
    s.recv(`response="200"`);
  }
  if (isInvite) {
    s.recv(`response="180" optional="true"`);
    s.recv(`response="183" optional="true"`);
  }
  if (o.expect >= 200 && o.expect < 300 && isInvite) {
    s.recv(`response="${o.expect}" rrs="true" rtd="true"`, o.finalChecks ?? "");
    const inDialog = (m: string, n: number) => `
${m} [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
[routes]
From: <${from}>;tag=[pid]C[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${n} ${m}
Max-Forwards: 70
Content-Length: 0
`;
    s.send(inDialog("ACK", cseq));
    s.raw("<pause/>");
    s.send(inDialog("BYE", cseq + 1), 500);
    s.recv(`response="200" crlf="true"`);
    return s.xml();
  }
  s.recv(`response="${o.expect}"`, o.finalChecks ?? "");
  if (isInvite && o.expect >= 300) s.send(nonInviteAck(invite, cseq));
  return s.xml();
}

export interface UasOptions {
  /** Final response: 200 answers (then ACK, BYE, 200); 4xx-6xx rejects (then ACK). */
  final: number;
  /** Send 180 before the final response (default true). */
  ringing?: boolean;
  /** Wait for a CANCEL after the 180: 200 for it, 487 for the INVITE, ACK. `final` is ignored. */
  awaitCancel?: boolean;
  /** Checks (sipp <ereg> actions) on the INVITE / on the BYE. */
  inviteChecks?: string;
  byeChecks?: string;
  /** sipp-side wait before the final response (ms). */
  answerDelayMs?: number;
  /**
   * With sipp -aa an out-of-call OPTIONS (a dispatcher probe) opens a "call" that then waits for an
   * INVITE: this ends such calls (as failed) so that a soft exit does not wait for them.
   */
  inviteTimeoutMs?: number;
}

/**
 * The called side. The INVITE's Via set is kept in $vias so the 487 after a CANCEL (whose
 * [last_Via:] is only the proxy's single Via, §9.1) carries every Via of the INVITE (§8.2.6.2).
 */
export function uasScenario(o: UasOptions): string {
  const s = new Scenario(`uas-${o.awaitCancel ? "cancel" : o.final}`);
  s.recv(
    `request="INVITE" crlf="true"${o.inviteTimeoutMs ? ` timeout="${o.inviteTimeoutMs}"` : ""}`,
    (o.awaitCancel
      ? `<ereg regexp="Via:[^[:cntrl:]]*([[:cntrl:]]+Via:[^[:cntrl:]]*)*" search_in="msg" assign_to="vias"/>`
      : "") + (o.inviteChecks ?? ""),
  );
  const reply = (status: string, opts: { sdp?: boolean; via?: string; cseq?: string } = {}) => `
SIP/2.0 ${status}
${opts.via ?? "[last_Via:]"}
[last_From:]
[last_To:];tag=[pid]U[call_number]
[last_Call-ID:]
${opts.cseq ?? "[last_CSeq:]"}
[last_Record-Route:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
${opts.sdp ? `Content-Type: application/sdp\nContent-Length: [len]\n\n${SDP}` : "Content-Length: 0\n"}`;
  if (o.ringing !== false || o.awaitCancel) s.send(reply("180 Ringing"));
  if (o.awaitCancel) {
    s.recv(`request="CANCEL"`);
    s.send(`
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]U[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
`);
    s.send(
      reply("487 Request Terminated", { via: "[$vias]", cseq: "CSeq: [last_cseq_number] INVITE" }).replace(
        "[last_Record-Route:]\n",
        "",
      ),
    );
    s.recv(`request="ACK"`);
    s.raw(`<timewait milliseconds="500"/>`);
    return s.xml();
  }
  if (o.answerDelayMs) s.raw(`<pause milliseconds="${o.answerDelayMs}"/>`);
  if (o.final >= 200 && o.final < 300) {
    s.send(reply("200 OK", { sdp: true }), 500);
    s.recv(`request="ACK" optional="true" rtd="true" crlf="true"`);
    s.recv(`request="BYE"`, o.byeChecks ?? "");
    s.send(`
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
`);
    s.raw(`<timewait milliseconds="1000"/>`);
    return s.xml();
  }
  s.send(reply(`${o.final} ${REASONS[o.final] ?? "Failed"}`).replace("[last_Record-Route:]\n", ""));
  s.recv(`request="ACK"`);
  s.raw(`<timewait milliseconds="500"/>`);
  return s.xml();
}

/** Header lines, then the body (Content-Type/Length added); sipp fills [len]. */
function message(lines: string[], sdp?: string): string {
  const head = sdp
    ? [...lines, "Content-Type: application/sdp", "Content-Length: [len]"]
    : [...lines, "Content-Length: 0"];
  return `${head.join("\n")}\n\n${sdp ?? ""}`;
}

const REASONS: Record<number, string> = {
  404: "Not Found",
  480: "Temporarily Unavailable",
  486: "Busy Here",
  487: "Request Terminated",
  603: "Decline",
};

/** A temp dir for a test's scenario files; `cleanup()` removes it. */
export function scenarioDir(): { write(name: string, xml: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "sb-scen-"));
  return {
    write(name, xml) {
      const f = join(dir, name);
      writeFileSync(f, xml);
      return f;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RegisterOptions {
  /** Final response to the REGISTER with credentials (default 200). */
  expect?: number;
  /** Contact header value (default this sipp's address); "*" removes every binding. */
  contact?: string;
  /** Expires header (default 3600). */
  expires?: number;
  /** Checks (sipp <ereg> actions) on the final response. */
  finalChecks?: string;
}

/** REGISTER -> 401 -> REGISTER with the injected credentials -> `expect`. Fields: 0 user, 1 domain, 2 credentials. */
export function registerScenario(o: RegisterOptions = {}): string {
  const s = new Scenario(`register-${o.expect ?? 200}`);
  const request = (cseq: number, creds: boolean) =>
    message([
      "REGISTER sip:[field1] SIP/2.0",
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport",
      "From: <sip:[field0]@[field1]>;tag=[pid]R[call_number]",
      "To: <sip:[field0]@[field1]>",
      "Call-ID: [call_id]",
      `CSeq: ${cseq} REGISTER`,
      `Contact: ${o.contact ?? "<sip:[field0]@[local_ip]:[local_port];transport=[transport]>"}`,
      ...(creds ? ["[field2]"] : []),
      "Max-Forwards: 70",
      `Expires: ${o.expires ?? 3600}`,
      "User-Agent: sipp-register",
    ]);
  s.send(request(1, false), 500);
  s.recv(`response="401" auth="true"`);
  s.send(request(2, true), 500);
  s.recv(`response="${o.expect ?? 200}"`, o.finalChecks ?? "");
  return s.xml();
}
