/**
 * group module: user groups from the `grp` table and regular-expression groups from `re_grp`
 * (Kamailio's group module), e.g. the ACL groups of kamctlrc (local, ld, int, voicemail, free-pstn).
 *
 *   const groups = new Group({ db });
 *   await groups.load();
 *   groups.isUserIn(fromUser, fromDomain, "ld")   // is_user_in("From", "ld")
 *   groups.getUserGroup(user, domain)              // get_user_group("$ru", "$avp(gid)") -> [gid, ...]
 *
 * Kamailio queries these tables on every call; here they are served from memory and reloaded when
 * their checksum changes (`cache_refresh` seconds) or on the `group.reload` RPC command.
 * Matching follows MariaDB's default case-insensitive collation that Kamailio's queries rely on.
 */
import { type Db, schema } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import {
  type Checksummed,
  ChecksummedModule,
  checksummedTable,
  compileRegex,
  type LoadIssue,
  type ReloadableTable,
} from "../shared/index.ts";
import { registerTableReload } from "../shared/rpc.ts";

export interface GroupParams {
  /** 1: membership is per user@domain; 0: per user name, any domain. */
  use_domain: number;
  /** 1: get_user_group returns every matching re_grp group; 0: the first. */
  multiple_gid: number;
  /** Seconds between checks for table changes (0: reload only by RPC). Switchboard-specific. */
  cache_refresh: number;
}

export const GROUP_DEFAULTS: GroupParams = { use_domain: 0, multiple_gid: 1, cache_refresh: 10 };

interface GroupData extends Checksummed {
  /** Lower-cased member key (user or user@domain) -> lower-cased group names. */
  members: Map<string, Set<string>>;
  /** re_grp rules, in Kamailio's order (the last row first). */
  regex: Array<{ re: RegExp; gid: number }>;
}

const EMPTY: GroupData = { checksum: "", members: new Map(), regex: [] };

export class Group extends ChecksummedModule<GroupData> {
  readonly params: GroupParams;
  readonly table: ReloadableTable<GroupData>;
  constructor(opts: { db: Db; params?: Partial<GroupParams>; onError?: (e: unknown) => void }) {
    super();
    this.params = { ...GROUP_DEFAULTS, ...opts.params };
    const db = opts.db;
    this.table = checksummedTable<GroupData>(
      db,
      ["grp", "re_grp"],
      async (checksum) => {
        const g = schema.grp;
        const r = schema.reGrp;
        const rows = await db.select({ u: g.username, d: g.domain, grp: g.grp }).from(g);
        const reRows = await db
          .select({ id: r.id, exp: r.regExp, gid: r.groupId })
          .from(r)
          .orderBy(asc(r.id));
        const members = new Map<string, Set<string>>();
        for (const row of rows) {
          const key = this.#key(row.u, row.d);
          const set = members.get(key) ?? new Set<string>();
          set.add(row.grp.toLowerCase());
          members.set(key, set);
        }
        const issues: LoadIssue[] = [];
        const regex: GroupData["regex"] = [];
        for (const row of reRows) {
          try {
            // regcomp(REG_EXTENDED|REG_ICASE|REG_NEWLINE); rows are prepended to the list.
            regex.unshift({ re: compileRegex(row.exp, "ere", { icase: true }), gid: row.gid });
          } catch (e) {
            issues.push({
              id: row.id,
              message: `bad re ${JSON.stringify(row.exp)}: ${(e as Error).message}`,
            });
          }
        }
        return { data: { checksum, members, regex }, size: rows.length + regex.length, issues };
      },
      EMPTY,
      { seconds: this.params.cache_refresh, onError: opts.onError },
    );
  }

  #key(user: string, domain: string): string {
    return (this.params.use_domain ? `${user}@${domain}` : user).toLowerCase();
  }

  /** is_user_in(uri, group): the user (of the From, To, R-URI or credentials) is in the group. */
  isUserIn(user: string, domain: string, group: string): boolean {
    return this.table.data.members.get(this.#key(user, domain))?.has(group.toLowerCase()) ?? false;
  }

  /** All groups of the user. */
  userGroups(user: string, domain: string): string[] {
    return [...(this.table.data.members.get(this.#key(user, domain)) ?? [])];
  }

  /**
   * get_user_group(uri, avp): ids of the re_grp groups whose expression matches "sip:user@domain"
   * (all of them, or the first with multiple_gid 0); empty without a user.
   */
  getUserGroup(user: string, domain: string): number[] {
    if (!user) return [];
    const uri = `sip:${user}@${domain}`;
    const out: number[] = [];
    for (const { re, gid } of this.table.data.regex) {
      if (!re.test(uri)) continue;
      out.push(gid);
      if (!this.params.multiple_gid) break;
    }
    return out;
  }

  /** `group.reload` (Switchboard: Kamailio reads these tables live, so it has no such command). */
  registerRpc(registry: RpcRegistry): void {
    registerTableReload(registry, {
      name: "group.reload",
      doc: "Reload grp and re_grp tables",
      reload: () => this.reload(),
    });
  }
}
