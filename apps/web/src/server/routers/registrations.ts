/**
 * Registrations: live contacts from a node's usrloc (`ul.dump`), filtered, sorted and paged here;
 * the `location` table instead when the node does not answer (the answer says so and why) or when
 * asked for it; per-contact unregister (`ul.rm_contact`, operator+); and Siremis-like usrloc
 * statistics (user agents, contacts per user, transports).
 */
import { TRPCError } from "@trpc/server";
import {
  registrationsListInput,
  registrationsSummaryInput,
  unregisterInput,
} from "../../shared/schemas/registrations";
import { pageOf } from "../list";
import {
  type ContactSource,
  contactSource,
  filterContacts,
  forgetDump,
  locationAll,
  locationPage,
  sortContacts,
  summarizeContacts,
} from "../monitoring/contacts";
import { nodeById, nodeChoices, pickNode } from "../monitoring/nodes";
import { callNodeAudited } from "../nodes/broadcast";
import { type AuthedContext, operatorProcedure, router, viewerProcedure } from "../trpc";

/** The summary reads at most this many location rows in table mode. */
const SUMMARY_CAP = 100_000;

async function sourceFor(
  ctx: AuthedContext,
  input: { nodeId?: number; table: boolean },
): Promise<ContactSource> {
  if (input.table) return { kind: "table", node: null, error: null };
  return contactSource(ctx, await pickNode(ctx, input.nodeId));
}

/** Where the rows come from, for the page's banner. */
function describe(src: ContactSource) {
  return {
    source: src.kind,
    node: src.node ? { id: src.node.id, name: src.node.name } : null,
    error: src.kind === "table" ? src.error : null,
    fetchedAt: Date.now(),
  };
}

export const registrationsRouter = router({
  nodes: viewerProcedure.query(({ ctx }) => nodeChoices(ctx)),

  /** One page of contacts; `readAt` (ms) on each row anchors its expires countdown. */
  list: viewerProcedure.input(registrationsListInput).query(async ({ ctx, input }) => {
    const src = await sourceFor(ctx, input);
    const readAt = Date.now();
    const page =
      src.kind === "live"
        ? await pageOf(input, async (limit, offset) =>
            sortContacts(filterContacts(src.rows, input.search), input.sort, input.dir).slice(
              offset,
              offset + limit,
            ),
          )
        : await pageOf(input, (limit, offset) => locationPage(ctx.db, { ...input, limit, offset }));
    return { ...page, rows: page.rows.map((r) => ({ ...r, readAt })) };
  }),

  summary: viewerProcedure.input(registrationsSummaryInput).query(async ({ ctx, input }) => {
    const src = await sourceFor(ctx, input);
    const rows = src.kind === "live" ? src.rows : await locationAll(ctx.db, SUMMARY_CAP);
    return { ...summarizeContacts(rows), ...describe(src) };
  }),

  /** Removes one contact from a node's usrloc (the node's answer decides; nothing is deleted from the table here). */
  unregister: operatorProcedure.input(unregisterInput).mutation(async ({ ctx, input }) => {
    const node = await nodeById(ctx, input.nodeId);
    const res = await callNodeAudited(ctx, node, "ul.rm_contact", [input.table, input.aor, input.contact]);
    forgetDump(ctx, node);
    if (!res.ok) throw new TRPCError({ code: "BAD_GATEWAY", message: `${node.name}: ${res.error}` });
    return { node: node.name };
  }),
});
