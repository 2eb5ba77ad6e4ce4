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

export type SubscriberCreate = z.infer<typeof subscriberCreate>;
