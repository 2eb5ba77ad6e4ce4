/**
 * Subscriber digest hashes exactly as kamctl/kamcli and Siremis compute them, with realm = SIP domain:
 * ha1 = md5(username:realm:password) serves clients that send the bare user name in the Authorization
 * header, ha1b = md5(username@domain:realm:password) those that send user@domain (RFC 2617 §3.2.2.2).
 */
import { createHash } from "node:crypto";
import { subscriber } from "./schema/index.ts";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

export function subscriberHashes(
  username: string,
  domain: string,
  password: string,
  realm: string = domain,
): { ha1: string; ha1b: string } {
  return {
    ha1: md5(`${username}:${realm}:${password}`),
    ha1b: md5(`${username}@${domain}:${realm}:${password}`),
  };
}

/** A subscriber's id and credentials, as sbctl shows them and the console's CSV export writes them. */
export const subscriberCredentialColumns = {
  id: subscriber.id,
  username: subscriber.username,
  domain: subscriber.domain,
  password: subscriber.password,
  ha1: subscriber.ha1,
  ha1b: subscriber.ha1b,
};
