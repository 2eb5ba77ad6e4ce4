/**
 * Access control tables: group membership (`grp`), regular-expression groups (`re_grp`) of the group
 * module, and the permissions module's `address` and `trusted` tables.
 */

import { compileRegex } from "@switchboard/match";
import { z } from "zod";
import { ipFamily, isHostname, isIpAddress, networkError } from "../addresses";
import { patternError } from "../patterns";
import { sipDomain, sipUser } from "./common";

const id = z.number().int().positive();

/** Group names are free text in Kamailio; the console keeps them to a token so they read well in routes. */
const groupName = z
  .string()
  .trim()
  .min(1, "group is required")
  .max(64, "group is at most 64 characters")
  .regex(/^[A-Za-z0-9_.+-]+$/, "group may use letters, digits and _ . + -");

export const groupCreate = z.object({
  username: sipUser("username"),
  domain: sipDomain("domain"),
  grp: groupName,
});
export const groupUpdate = groupCreate.extend({ id });

const posixPattern = (label: string, basic: boolean, max: number) =>
  z
    .string()
    .max(max, `${label} is at most ${max} characters`)
    .superRefine((v, c) => {
      const err = v ? patternError(() => compileRegex(v, basic ? "bre" : "ere")) : null;
      if (err) c.addIssue({ code: "custom", message: `invalid ${label}: ${err}` });
    });

export const reGroupCreate = z.object({
  regExp: posixPattern("regular expression", false, 128).refine(
    (v) => v.length > 0,
    "regular expression is required",
  ),
  groupId: z
    .number({ error: "group id is required" })
    .int("group id must be a whole number")
    .min(0, "group id must be 0 or more")
    .max(2147483647, "group id is too large"),
});
export const reGroupUpdate = reGroupCreate.extend({ id });

const port = z
  .number()
  .int("port must be a whole number")
  .min(0, "port must be 0-65535 (0 = any)")
  .max(65535, "port must be 0-65535 (0 = any)")
  .default(0);
const tag = z.string().trim().max(64, "tag is at most 64 characters").default("");

/** A host name that cannot be mistaken for a malformed IPv4 address. */
const isName = (v: string) => isHostname(v) && !/^[\d.]+$/.test(v);

const addressFields = z.object({
  grp: z
    .number({ error: "group is required" })
    .int("group must be a whole number")
    .min(0, "group must be 0 or more")
    .max(4294967295, "group is too large"),
  /** An IP address (with the prefix length in mask) or a host name (resolved by the module at load). */
  ipAddr: z
    .string()
    .trim()
    .min(1, "address is required")
    .max(50, "address is at most 50 characters")
    .refine((v) => v.includes("/") || isIpAddress(v) || isName(v), "not an IPv4/IPv6 address or host name"),
  mask: z
    .number({ error: "mask is required" })
    .int("mask must be a whole number")
    .min(0, "mask must be 0 or more"),
  port,
  tag,
});

/** CIDR rules on ip_addr + mask: prefix length within the family, no host bits set. */
function checkNetwork(v: z.infer<typeof addressFields>, c: z.RefinementCtx) {
  if (v.ipAddr.includes("/")) {
    c.addIssue({ code: "custom", path: ["ipAddr"], message: networkError(v.ipAddr, v.mask)! });
    return;
  }
  if (!ipFamily(v.ipAddr)) {
    if (isName(v.ipAddr) && v.mask !== 32)
      c.addIssue({ code: "custom", path: ["mask"], message: "a host name takes mask 32" });
    return;
  }
  const err = networkError(v.ipAddr, v.mask);
  if (err) c.addIssue({ code: "custom", path: [err.startsWith("mask") ? "mask" : "ipAddr"], message: err });
}

export const addressCreate = addressFields.superRefine(checkNetwork);
export const addressUpdate = addressFields.extend({ id }).superRefine(checkNetwork);

/** trusted.proto values allow_trusted() compares against. */
export const TRUSTED_PROTOS = ["any", "udp", "tcp", "tls", "sctp", "ws", "wss", "none"] as const;

export const trustedCreate = z.object({
  srcIp: z
    .string()
    .trim()
    .min(1, "source IP is required")
    .max(50, "source IP is at most 50 characters")
    .refine(isIpAddress, "source IP must be an IPv4 or IPv6 address"),
  proto: z.enum(TRUSTED_PROTOS, { error: `protocol must be one of ${TRUSTED_PROTOS.join(", ")}` }),
  /** POSIX basic regular expression matched against the From URI (empty = any). */
  fromPattern: posixPattern("From pattern", true, 64).default(""),
  ruriPattern: posixPattern("R-URI pattern", true, 64).default(""),
  tag,
  priority: z
    .number()
    .int("priority must be a whole number")
    .min(-2147483648, "priority is too small")
    .max(2147483647, "priority is too large")
    .default(0),
});
export const trustedUpdate = trustedCreate.extend({ id });

/** Membership of one subscriber (the per-subscriber groups tab). */
export const membershipInput = z.object({ username: sipUser("username"), domain: sipDomain("domain") });
