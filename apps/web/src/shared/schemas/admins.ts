import { z } from "zod";

export const ROLES = ["admin", "operator", "viewer"] as const;

const username = z
  .string()
  .trim()
  .min(2, "username needs at least 2 characters")
  .max(64, "username is at most 64 characters")
  .regex(/^[A-Za-z0-9._@-]+$/, "username may use letters, digits, . _ @ -");
export const adminPassword = z.string().min(10, "password needs at least 10 characters").max(200);

export const adminCreate = z.object({ username, password: adminPassword, role: z.enum(ROLES) });
export const adminUpdate = z.object({
  id: z.number().int().positive(),
  username,
  role: z.enum(ROLES),
  /** Empty keeps the current password. */
  password: z.union([z.literal(""), adminPassword]).default(""),
});
export const changePassword = z.object({
  current: z.string().min(1, "enter your current password"),
  next: adminPassword,
});
export const loginInput = z.object({
  username: z.string().trim().min(1, "username is required").max(64),
  password: z.string().min(1, "password is required").max(200),
  totp: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "the code has 6 digits")
    .optional(),
});
