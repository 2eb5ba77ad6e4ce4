/** Pieces shared by the forms and the procedures that validate the same data. */
import { z } from "zod";

export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** Server-side list paging: pageSize+1 rows are read to know whether a next page exists. */
export const listInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
  sort: z.string().max(32).optional(),
  dir: z.enum(["asc", "desc"]).default("asc"),
  search: z.string().trim().max(128).default(""),
  /**
   * Keyset position (from a previous page's nextCursor) for lists that support it: the page then
   * starts right after that row instead of at an OFFSET, which stays fast on deep pages.
   */
  cursor: z.string().max(512).optional(),
});

/** A list that the subscriber page's tabs narrow to one account's rows ("" = any account). */
export const accountListInput = listInput.extend({
  username: z.string().trim().max(64).default(""),
  domain: z.string().trim().max(64).default(""),
});

export interface ListResult<Row> {
  rows: Row[];
  page: number;
  pageSize: number;
  hasNext: boolean;
  /** Set by keyset-paged lists: pass it as `cursor` to get the next page. */
  nextCursor?: string | null;
}

export const idInput = z.object({ id: z.number().int().positive() });

/** SIP user part: RFC 3261 §25.1 unreserved / user-unreserved characters and escapes. */
export const sipUser = (label = "username") =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(64, `${label} is at most 64 characters`)
    .regex(
      /^([A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/,
      `${label} has characters not allowed in a SIP user`,
    );

/** A host name or IPv4/IPv6 literal usable as a SIP domain. */
export const sipDomain = (label = "domain") =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(64, `${label} is at most 64 characters`)
    .regex(
      /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$/,
      `${label} must be a host name or IP address`,
    );

/** Delete procedures take the ids of the selected rows (one or a page-worth). */
export const idsInput = z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) });
