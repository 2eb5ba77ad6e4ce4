import { z } from "zod";
import { sipDomain, sipUser } from "./common";

/** dbaliases: alias_username@alias_domain -> username@domain. */
export const aliasCreate = z.object({
  aliasUsername: sipUser("alias username"),
  aliasDomain: sipDomain("alias domain"),
  username: sipUser("username"),
  domain: sipDomain("domain"),
});
export const aliasUpdate = aliasCreate.extend({ id: z.number().int().positive() });
