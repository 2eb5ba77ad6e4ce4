/**
 * `usr_preferences` (avpops): per-user attributes loaded into AVPs, by uuid or by username@domain.
 * type 0 is a string value, 1 an integer value (avp_db_load reads it as a number then).
 */
import { z } from "zod";

export const PREFERENCE_TYPES = [
  { value: 0, label: "string" },
  { value: 1, label: "integer" },
] as const;

const preferenceFields = z.object({
  uuid: z.string().trim().max(64, "uuid is at most 64 characters").default(""),
  /** VARCHAR(255) with Kamailio's default "0"; routes usually load by $fU/$fd or $rU/$rd. */
  username: z
    .string()
    .trim()
    .max(255, "username is at most 255 characters")
    .regex(/^[^\s@]*$/, "username may not contain spaces or @")
    .default(""),
  domain: z
    .string()
    .trim()
    .max(64, "domain is at most 64 characters")
    .regex(/^[^\s@]*$/, "domain may not contain spaces or @")
    .default(""),
  attribute: z
    .string()
    .trim()
    .min(1, "attribute is required")
    .max(32, "attribute is at most 32 characters")
    .regex(/^[A-Za-z0-9_.-]+$/, "attribute may use letters, digits and _ . -"),
  type: z.union([z.literal(0), z.literal(1)], { error: "type must be string (0) or integer (1)" }),
  value: z.string().max(128, "value is at most 128 characters").default(""),
});

type PreferenceFields = z.infer<typeof preferenceFields>;

function checkPreference(v: PreferenceFields, c: z.RefinementCtx) {
  if (v.type === 1 && !/^-?\d+$/.test(v.value.trim()))
    c.addIssue({ code: "custom", path: ["value"], message: "an integer preference needs a whole number" });
  if (!v.uuid && !v.username)
    c.addIssue({ code: "custom", path: ["username"], message: "give a username (with domain) or a uuid" });
}

export const preferenceCreate = preferenceFields.superRefine(checkPreference);
export const preferenceUpdate = preferenceFields
  .extend({ id: z.number().int().positive() })
  .superRefine(checkPreference);
