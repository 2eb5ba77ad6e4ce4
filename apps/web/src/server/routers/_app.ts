/**
 * The console API: one router per domain. A new page adds its router file under routers/ and one
 * line here; the client type (AppRouter) follows.
 */
import { router } from "../trpc";
import { accountingRouter } from "./accounting";
import { aclRouter } from "./acl";
import { adminsRouter } from "./admins";
import { aliasesRouter } from "./aliases";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { billingRouter } from "./billing";
import { cdrsRouter } from "./cdrs";
import { dashboardRouter } from "./dashboard";
import { dialplanRouter } from "./dialplan";
import { dispatcherRouter } from "./dispatcher";
import { domainsRouter } from "./domains";
import { nodesRouter } from "./nodes";
import { preferencesRouter } from "./preferences";
import { registrationsRouter } from "./registrations";
import { reloadRouter } from "./reload";
import { rpcRouter } from "./rpc";
import { settingsRouter } from "./settings";
import { speedDialRouter } from "./speeddial";
import { statsRouter } from "./stats";
import { subscribersRouter } from "./subscribers";

export const appRouter = router({
  auth: authRouter,
  subscribers: subscribersRouter,
  aliases: aliasesRouter,
  speeddial: speedDialRouter,
  domains: domainsRouter,
  reload: reloadRouter,
  nodes: nodesRouter,
  admins: adminsRouter,
  audit: auditRouter,
  accounting: accountingRouter,
  cdrs: cdrsRouter,
  billing: billingRouter,
  stats: statsRouter,
  registrations: registrationsRouter,
  dashboard: dashboardRouter,
  dispatcher: dispatcherRouter,
  dialplan: dialplanRouter,
  acl: aclRouter,
  preferences: preferencesRouter,
  settings: settingsRouter,
  rpc: rpcRouter,
});

export type AppRouter = typeof appRouter;
