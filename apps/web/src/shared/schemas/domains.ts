import { z } from "zod";
import { sipDomain } from "./common";

export const domainCreate = z.object({
  domain: sipDomain("domain"),
  did: z.string().trim().max(64, "did is at most 64 characters").default(""),
});
export const domainUpdate = domainCreate.extend({ id: z.number().int().positive() });

/** domain_attrs type: 0 integer, 2 string (the domain module's convention). */
const domainAttrFields = z.object({
  did: z.string().trim().min(1, "did is required").max(64),
  name: z.string().trim().min(1, "name is required").max(32, "name is at most 32 characters"),
  type: z.union([z.literal(0), z.literal(2)]),
  value: z.string().max(255, "value is at most 255 characters"),
});
const isInteger = (a: { type: number; value: string }) => a.type !== 0 || /^-?\d+$/.test(a.value);
const integerMessage = { path: ["value"], message: "an integer attribute needs a whole number" };
export const domainAttrCreate = domainAttrFields.refine(isInteger, integerMessage);
export const domainAttrUpdate = domainAttrFields
  .extend({ id: z.number().int().positive() })
  .refine(isInteger, integerMessage);
