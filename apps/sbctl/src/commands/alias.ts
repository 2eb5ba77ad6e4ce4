/**
 * sbctl alias add|rm|show: the `dbaliases` table (alias_db), like kamctl alias_db. Kamailio reads the table on
 * every lookup; sipd caches it and reloads on `alias_db.reload`, sent after each edit when the node has it.
 */
import { dbaliases } from "@switchboard/db";
import { and, asc, eq } from "drizzle-orm";
import { type Account, accountText, parseAccount } from "../args.ts";
import { type Command, edited, table } from "../command.ts";
import type { Session } from "../session.ts";

const matches = (a: Account) =>
  and(eq(dbaliases.aliasUsername, a.username), eq(dbaliases.aliasDomain, a.domain));
const parse = (s: Session, text: string, what: string) => parseAccount(text, s.config.sip.domain, what);
const reload = (s: Session) => s.notify("alias_db.reload", [], true);

async function targetsOf(s: Session, alias: Account): Promise<string[]> {
  const rows = await (await s.db())
    .select({ username: dbaliases.username, domain: dbaliases.domain })
    .from(dbaliases)
    .where(matches(alias));
  return rows.map((r) => `${r.username}@${r.domain}`);
}

export const aliasCommands: Command[] = [
  {
    name: "alias add",
    args: "<alias@domain> <user@domain>",
    summary: "make alias@domain reach a subscriber",
    async run(s, [aliasText, targetText]) {
      const alias = parse(s, aliasText, "alias");
      const target = parse(s, targetText, "target");
      // dbaliases has no unique key (alias_db-create); one alias must still lead to one place.
      const existing = await targetsOf(s, alias);
      if (existing.length > 0)
        throw new Error(`alias ${accountText(alias)} already exists (-> ${existing[0]})`);
      await (await s.db()).insert(dbaliases).values({
        aliasUsername: alias.username,
        aliasDomain: alias.domain,
        username: target.username,
        domain: target.domain,
      });
      return edited(`alias ${accountText(alias)} -> ${accountText(target)} added`, await reload(s));
    },
  },
  {
    name: "alias rm",
    args: "<alias@domain>",
    summary: "remove an alias",
    async run(s, [aliasText]) {
      const alias = parse(s, aliasText, "alias");
      const [res] = await (await s.db()).delete(dbaliases).where(matches(alias));
      if (res.affectedRows === 0) throw new Error(`no alias ${accountText(alias)}`);
      return edited(`alias ${accountText(alias)} removed`, await reload(s));
    },
  },
  {
    name: "alias show",
    args: "[alias@domain]",
    summary: "list aliases, or show one",
    async run(s, [aliasText]) {
      const alias = aliasText === undefined ? undefined : parse(s, aliasText, "alias");
      const rows = await (await s.db())
        .select({
          id: dbaliases.id,
          aliasUsername: dbaliases.aliasUsername,
          aliasDomain: dbaliases.aliasDomain,
          username: dbaliases.username,
          domain: dbaliases.domain,
        })
        .from(dbaliases)
        .where(alias && matches(alias))
        .orderBy(asc(dbaliases.aliasUsername), asc(dbaliases.aliasDomain));
      if (alias && rows.length === 0) throw new Error(`no alias ${accountText(alias)}`);
      const text = table(
        ["ID", "ALIAS", "TARGET"],
        rows.map((r) => [r.id, `${r.aliasUsername}@${r.aliasDomain}`, `${r.username}@${r.domain}`]),
        "no aliases",
      );
      return { text, data: rows };
    },
  },
];
