import { z } from "zod";
import { listInput } from "./common";

export const auditListInput = listInput.extend({
  username: z.string().trim().max(64).default(""),
  action: z.string().trim().max(64).default(""),
  node: z.string().trim().max(64).default(""),
  ok: z.enum(["any", "ok", "failed"]).default("any"),
  /** Local date-time bounds, "YYYY-MM-DDTHH:MM" as an <input type=datetime-local> gives them. */
  from: z.string().trim().max(32).default(""),
  to: z.string().trim().max(32).default(""),
});
