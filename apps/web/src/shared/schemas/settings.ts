/**
 * Runtime settings (cfg framework): `cfg.set group var value` on a node. Values are typed text in the
 * form; integers go to the node as numbers. The variables the default kamailio.cfg routes on (PSTN
 * gateway, voicemail server) are checked here as well, so a typo does not reach a live node; the
 * node checks bounds of the others and its refusal is shown under the value.
 */
import { z } from "zod";
import { isHostname, isIpAddress } from "../addresses";

/** Empty (unset), a host name, an IPv4 address, or an IPv6 address in brackets (it goes into a SIP URI). */
function hostProblem(v: string): string | null {
  if (v === "" || (isHostname(v) && !/^[\d.]+$/.test(v)) || (isIpAddress(v) && !v.includes(":"))) return null;
  if (v.startsWith("[") && v.endsWith("]") && isIpAddress(v.slice(1, -1))) return null;
  if (isIpAddress(v)) return "write an IPv6 address in brackets: [2001:db8::1]";
  return "expected a host name, an IPv4 address or an [IPv6] address";
}

function portProblem(v: string): string | null {
  return v === "" || (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535)
    ? null
    : "expected a port 1-65535 (or empty)";
}

/** Checks for known variables, by "group.name". */
export const CFG_CHECKS: Record<string, (v: string) => string | null> = {
  "pstn.gw_ip": hostProblem,
  "pstn.gw_port": portProblem,
  "voicemail.srv_ip": hostProblem,
  "voicemail.srv_port": portProblem,
};

const cfgName = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(64)
    .regex(/^[A-Za-z0-9_]+$/, `${label} may use letters, digits and _`);

export const cfgSetInput = z
  .object({
    nodeId: z.number().int().positive(),
    /** Also send the change to every other enabled node. */
    allNodes: z.boolean().default(false),
    group: cfgName("group"),
    name: cfgName("variable"),
    type: z.enum(["int", "string"]),
    value: z.string().trim().max(255, "value is at most 255 characters"),
  })
  .superRefine((v, c) => {
    if (v.type === "int" && !/^[+-]?\d+$/.test(v.value)) {
      c.addIssue({ code: "custom", path: ["value"], message: "this variable takes a whole number" });
      return;
    }
    const problem = CFG_CHECKS[`${v.group}.${v.name}`]?.(v.value);
    if (problem) c.addIssue({ code: "custom", path: ["value"], message: problem });
  });
export type CfgSetInput = z.infer<typeof cfgSetInput>;

/** The value as cfg.set takes it: a number for integer variables, text otherwise. */
export function cfgValue(v: Pick<CfgSetInput, "type" | "value">): number | string {
  return v.type === "int" ? Number.parseInt(v.value, 10) : v.value;
}
