import { z } from "zod";
import { sipDomain, sipUser } from "./common";

/** The subscriber form; `password` may be left empty on edit to keep the current credentials. */
export const subscriberFields = {
  username: sipUser("username"),
  domain: sipDomain("domain"),
  password: z.string().max(64, "password is at most 64 characters"),
};

export const subscriberCreate = z.object({
  ...subscriberFields,
  password: subscriberFields.password.min(6, "password needs at least 6 characters"),
});

export const subscriberUpdate = z.object({
  id: z.number().int().positive(),
  ...subscriberFields,
  password: subscriberFields.password.refine(
    (p) => p === "" || p.length >= 6,
    "password needs at least 6 characters",
  ),
});

const md5Hex = z
  .string()
  .trim()
  .regex(/^([0-9a-f]{32})?$/i, "must be 32 hex digits (an MD5 digest)");

/**
 * One CSV row of a bulk import: a password, or (when moving from another Kamailio database) the
 * ready-made ha1 and ha1b hashes.
 */
export const subscriberImportRow = z
  .object({
    line: z.number().int().min(1),
    username: subscriberFields.username,
    domain: subscriberFields.domain,
    password: z.string().max(64, "password is at most 64 characters").default(""),
    ha1: md5Hex.default(""),
    ha1b: md5Hex.default(""),
  })
  .refine((r) => r.password.length >= 6 || (r.password === "" && r.ha1 !== "" && r.ha1b !== ""), {
    path: ["password"],
    message: "needs a password of at least 6 characters, or both ha1 and ha1b",
  });

export const IMPORT_BATCH = 250;

export const subscriberImport = z.object({
  /** Rows are validated one by one on the server, so a bad row is reported, not the whole batch. */
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(IMPORT_BATCH),
  /** What to do when username@domain exists already. */
  onDuplicate: z.enum(["skip", "update"]).default("skip"),
});

export interface ImportRowResult {
  line: number;
  status: "created" | "updated" | "skipped" | "error";
  message?: string;
}
