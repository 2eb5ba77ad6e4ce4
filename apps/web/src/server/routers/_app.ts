/**
 * The console API: one router per domain. A new page adds its router file under routers/ and one
 * line here; the client type (AppRouter) follows.
 */
import { router } from "../trpc";
import { accountingRouter } from "./accounting";
import { adminsRouter } from "./admins";
import { aliasesRouter } from "./aliases";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { billingRouter } from "./billing";
import { cdrsRouter } from "./cdrs";
import { dashboardRouter } from "./dashboard";
import { domainsRouter } from "./domains";
import { nodesRouter } from "./nodes";
import { registrationsRouter } from "./registrations";
import { reloadRouter } from "./reload";
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
});

export type AppRouter = typeof appRouter;
