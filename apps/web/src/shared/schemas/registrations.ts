import { z } from "zod";
import { listInput } from "./common";

/** nodeId: an enabled node; omitted = the first enabled node (or the location table when none). */
const nodeChoice = { nodeId: z.number().int().positive().optional(), table: z.boolean().default(false) };

export const registrationsListInput = listInput.extend(nodeChoice);
export const registrationsSummaryInput = z.object(nodeChoice);

export const unregisterInput = z.object({
  nodeId: z.number().int().positive(),
  table: z.string().trim().min(1).max(64).default("location"),
  aor: z.string().trim().min(1).max(255),
  contact: z.string().trim().min(1).max(512),
});
