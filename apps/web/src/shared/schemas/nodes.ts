import { z } from "zod";

export const nodeCreate = z.object({
  name: z
    .string()
    .trim()
    .min(1, "name is required")
    .max(64, "name is at most 64 characters")
    .regex(/^[A-Za-z0-9._-]+$/, "name may use letters, digits, . _ -"),
  url: z
    .string()
    .trim()
    .max(255)
    .regex(
      /^https?:\/\/[^\s/]+(\/\S*)?$/i,
      "URL must be http(s)://host:port/path, e.g. http://127.0.0.1:5071/RPC",
    ),
  protocol: z.enum(["jsonrpc", "xmlrpc"]),
  kind: z.enum(["sipd", "kamailio"]),
  token: z.string().max(255).default(""),
  enabled: z.boolean().default(true),
});
export const nodeUpdate = nodeCreate.extend({ id: z.number().int().positive() });
