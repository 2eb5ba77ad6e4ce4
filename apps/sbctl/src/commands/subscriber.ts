/**
 * sbctl subscriber add|passwd|rm|show: the `subscriber` table (auth_db) like kamctl add/passwd/rm/show.
 * ha1 = md5(user:realm:password) and ha1b = md5(user@domain:realm:password) with realm = domain; the clear
 * password is kept only with features.storePlaintextPw (kamctlrc STORE_PLAINTEXT_PW). sipd caches credentials,
 * so every edit ends with `subscriber.invalidate user domain` (a Switchboard extension Kamailio does not have).
 */
import { subscriber, subscriberCredentialColumns, subscriberHashes } from "@switchboard/db";
import { and, asc, eq } from "drizzle-orm";
import { type Account, accountText, parseAccount, UsageError } from "../args.ts";
import { type Command, edited, table } from "../command.ts";
import { isDuplicateKey, type Session } from "../session.ts";

/** subscriber.password is varchar(64). */
const PASSWORD_MAX = 64;

function password(text: string): string {
  if (text === "") throw new UsageError("the password is empty");
  if (text.length > PASSWORD_MAX) throw new UsageError(`a password is at most ${PASSWORD_MAX} characters`);
  return text;
}

function credentials(s: Session, a: Account, pw: string) {
  return {
    ...subscriberHashes(a.username, a.domain, pw),
    password: s.config.features.storePlaintextPw ? pw : "",
  };
}

const account = (s: Session, text: string) => parseAccount(text, s.config.sip.domain);
const matches = (a: Account) => and(eq(subscriber.username, a.username), eq(subscriber.domain, a.domain));

async function findId(s: Session, a: Account): Promise<number> {
  const [row] = await (await s.db()).select({ id: subscriber.id }).from(subscriber).where(matches(a));
  if (!row) throw new Error(`no subscriber ${accountText(a)}`);
  return row.id;
}

const invalidate = (s: Session, a: Account) =>
  s.notify("subscriber.invalidate", [a.username, a.domain], true);

export const subscriberCommands: Command[] = [
  {
    name: "subscriber add",
    args: "<user@domain> <password>",
    summary: "add a subscriber",
    async run(s, [who, pw]) {
      const a = account(s, who);
      const values = { username: a.username, domain: a.domain, ...credentials(s, a, password(pw)) };
      try {
        await (await s.db()).insert(subscriber).values(values);
      } catch (e) {
        if (isDuplicateKey(e)) throw new Error(`subscriber ${accountText(a)} already exists`);
        throw e;
      }
      return edited(`subscriber ${accountText(a)} added`, await invalidate(s, a));
    },
  },
  {
    name: "subscriber passwd",
    args: "<user@domain> <password>",
    summary: "change a subscriber's password",
    async run(s, [who, pw]) {
      const a = account(s, who);
      const values = credentials(s, a, password(pw));
      const id = await findId(s, a);
      await (await s.db()).update(subscriber).set(values).where(eq(subscriber.id, id));
      return edited(`password of ${accountText(a)} changed`, await invalidate(s, a));
    },
  },
  {
    name: "subscriber rm",
    args: "<user@domain>",
    summary: "remove a subscriber",
    async run(s, [who]) {
      const a = account(s, who);
      const id = await findId(s, a);
      await (await s.db()).delete(subscriber).where(eq(subscriber.id, id));
      return edited(`subscriber ${accountText(a)} removed`, await invalidate(s, a));
    },
  },
  {
    name: "subscriber show",
    args: "[user@domain]",
    summary: "list subscribers, or show one",
    async run(s, [who]) {
      const a = who === undefined ? undefined : account(s, who);
      const rows = await (await s.db())
        .select(subscriberCredentialColumns)
        .from(subscriber)
        .where(a && matches(a))
        .orderBy(asc(subscriber.username), asc(subscriber.domain));
      if (a && rows.length === 0) throw new Error(`no subscriber ${accountText(a)}`);
      const text = table(
        ["ID", "SUBSCRIBER", "PASSWORD", "HA1", "HA1B"],
        rows.map((r) => [r.id, `${r.username}@${r.domain}`, r.password, r.ha1, r.ha1b]),
        "no subscribers",
      );
      return { text, data: a ? rows[0] : rows };
    },
  },
];
