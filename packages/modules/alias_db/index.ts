/**
 * alias_db module: alternative names for subscribers from the `dbaliases` table (Kamailio's
 * alias_db module).
 *
 *   const aliases = new AliasDb({ db });
 *   await aliases.load();
 *   const [target] = aliases.lookup(rU, rd);   // alias_db_lookup("dbaliases"): R-URI = target.uri
 *   aliases.reverse(user, domain)              // alias_db_lookup("dbaliases", "r"): the aliases of a user
 *
 * Kamailio queries the table on every call; here it is served from memory and reloaded when its
 * checksum changes (`cache_refresh` seconds) or on the `alias_db.reload` RPC command. Names compare
 * case-insensitively, as MariaDB's default collation makes Kamailio's queries do.
 */
import { type Db, schema } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import {
  type Checksummed,
  ChecksummedModule,
  checksummedTable,
  type ReloadableTable,
} from "../shared/index.ts";
import { registerTableReload } from "../shared/rpc.ts";

export interface AliasDbParams {
  /** 1: aliases are per alias@domain; 0: the alias user name alone (any domain). */
  use_domain: number;
  /** Stripped from the front of a domain before it is looked up (e.g. "sip."). */
  domain_prefix: string;
  /** 1: all targets of an alias become branches; 0: only the first is used. Read by the routing script. */
  append_branches: number;
  /** Seconds between checks for table changes (0: reload only by RPC). Switchboard-specific. */
  cache_refresh: number;
}

export const ALIAS_DB_DEFAULTS: AliasDbParams = {
  use_domain: 0,
  domain_prefix: "",
  append_branches: 0,
  cache_refresh: 10,
};

export interface AliasTarget {
  user: string;
  domain: string;
  /** "sip:user@domain", what alias_db_lookup writes into the R-URI. */
  uri: string;
}

interface AliasData extends Checksummed {
  /** alias key -> targets, and target key -> aliases; keys lower-cased "user" or "user@domain". */
  byAlias: Map<string, AliasTarget[]>;
  byUserOnly: Map<string, AliasTarget[]>;
  byTarget: Map<string, AliasTarget[]>;
  byTargetUserOnly: Map<string, AliasTarget[]>;
}

const EMPTY: AliasData = {
  checksum: "",
  byAlias: new Map(),
  byUserOnly: new Map(),
  byTarget: new Map(),
  byTargetUserOnly: new Map(),
};

function push(map: Map<string, AliasTarget[]>, key: string, t: AliasTarget) {
  const list = map.get(key);
  if (list) list.push(t);
  else map.set(key, [t]);
}

const target = (user: string, domain: string): AliasTarget => ({
  user,
  domain,
  uri: `sip:${user}@${domain}`,
});

export class AliasDb extends ChecksummedModule<AliasData> {
  readonly params: AliasDbParams;
  readonly table: ReloadableTable<AliasData>;

  constructor(opts: { db: Db; params?: Partial<AliasDbParams>; onError?: (e: unknown) => void }) {
    super();
    this.params = { ...ALIAS_DB_DEFAULTS, ...opts.params };
    const db = opts.db;
    this.table = checksummedTable<AliasData>(
      db,
      ["dbaliases"],
      async (checksum) => {
        const t = schema.dbaliases;
        const rows = await db.select().from(t).orderBy(asc(t.id));
        const data: AliasData = {
          checksum,
          byAlias: new Map(),
          byUserOnly: new Map(),
          byTarget: new Map(),
          byTargetUserOnly: new Map(),
        };
        for (const r of rows) {
          const to = target(r.username, r.domain);
          const alias = target(r.aliasUsername, r.aliasDomain);
          push(data.byAlias, `${r.aliasUsername}@${r.aliasDomain}`.toLowerCase(), to);
          push(data.byUserOnly, r.aliasUsername.toLowerCase(), to);
          push(data.byTarget, `${r.username}@${r.domain}`.toLowerCase(), alias);
          push(data.byTargetUserOnly, r.username.toLowerCase(), alias);
        }
        return { data, size: rows.length };
      },
      EMPTY,
      { seconds: this.params.cache_refresh, onError: opts.onError },
    );
  }

  #domain(domain: string): string {
    const p = this.params.domain_prefix;
    return p && domain.toLowerCase().startsWith(p.toLowerCase()) ? domain.slice(p.length) : domain;
  }

  /**
   * alias_db_lookup(table[, flags]): the subscribers the alias user@domain stands for, in table
   * order (the first one replaces the R-URI); empty when it is no alias. `useDomain` overrides the
   * module parameter like the "d"/"u" flags.
   */
  lookup(user: string, domain: string, opts: { useDomain?: boolean } = {}): AliasTarget[] {
    const d = this.table.data;
    const useDomain = opts.useDomain ?? this.params.use_domain !== 0;
    return (
      (useDomain
        ? d.byAlias.get(`${user}@${this.#domain(domain)}`.toLowerCase())
        : d.byUserOnly.get(user.toLowerCase())) ?? []
    );
  }

  /** alias_db_lookup(table, "r") / alias_db_find reverse: the aliases of the subscriber user@domain. */
  reverse(user: string, domain: string, opts: { useDomain?: boolean } = {}): AliasTarget[] {
    const d = this.table.data;
    const useDomain = opts.useDomain ?? this.params.use_domain !== 0;
    return (
      (useDomain
        ? d.byTarget.get(`${user}@${this.#domain(domain)}`.toLowerCase())
        : d.byTargetUserOnly.get(user.toLowerCase())) ?? []
    );
  }

  /** `alias_db.reload` (Switchboard: Kamailio reads the table live, so it has no such command). */
  registerRpc(registry: RpcRegistry): void {
    registerTableReload(registry, {
      name: "alias_db.reload",
      doc: "Reload dbaliases table",
      reload: () => this.reload(),
    });
  }
}
