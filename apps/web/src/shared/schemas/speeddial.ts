import { z } from "zod";
import { sipDomain, sipUser } from "./common";

/** speed_dial: a short number sd_username@sd_domain dialled by username@domain goes to new_uri. */
export const speedDialCreate = z.object({
  username: sipUser("username"),
  domain: sipDomain("domain"),
  sdUsername: sipUser("short number"),
  sdDomain: sipDomain("short number domain"),
  newUri: z
    .string()
    .trim()
    .min(1, "target URI is required")
    .max(255, "target URI is at most 255 characters")
    .regex(/^sips?:[^\s@]+(@[^\s]+)?$/i, "target must be a sip: or sips: URI"),
  fname: z.string().trim().max(64).default(""),
  lname: z.string().trim().max(64).default(""),
  description: z.string().trim().max(64).default(""),
});
export const speedDialUpdate = speedDialCreate.extend({ id: z.number().int().positive() });
