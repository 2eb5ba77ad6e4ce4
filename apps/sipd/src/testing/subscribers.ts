/**
 * Subscribers for load and fault runs, with the password authRow() sends by default (`<user>-pass`).
 */
import { type Db, subscriber, subscriberHashes } from "@switchboard/db";
import { DOMAIN } from "./harness.ts";

export async function insertSubscribers(db: Db, usernames: readonly string[]): Promise<void> {
  const rows = usernames.map((username) => ({
    username,
    domain: DOMAIN,
    password: "",
    ...subscriberHashes(username, DOMAIN, `${username}-pass`),
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(subscriber).values(rows.slice(i, i + 1000));
}
