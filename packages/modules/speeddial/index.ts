/**
 * speeddial module: per-user short codes from the `speed_dial` table (Kamailio's speeddial module).
 *
 *   const sd = new SpeedDial({ db });
 *   await sd.load();
 *   // default script: if $rU is two digits, sd_lookup("speed_dial") with the From user as owner
 *   const hit = sd.lookup(fU, fd, rU, rd);   // -> { newUri, ... }: the new R-URI
 *
 * Kamailio queries the table on every call; here it is served from memory and reloaded when its
 * checksum changes (`cache_refresh` seconds) or on the `speeddial.reload` RPC command. Names compare
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

export interface SpeedDialParams {
  /** 0: match the owner's user name and the code only; 1: also the owner's domain; 2: also the code's domain. */
  use_domain: number;
  /** Stripped from the front of domains before they are compared (e.g. "sip."). */
  domain_prefix: string;
  /** Seconds between checks for table changes (0: reload only by RPC). Switchboard-specific. */
  cache_refresh: number;
}

export const SPEEDDIAL_DEFAULTS: SpeedDialParams = { use_domain: 0, domain_prefix: "", cache_refresh: 10 };

export interface SpeedDialEntry {
  /** The URI the code stands for: the new R-URI. */
  newUri: string;
  fname: string;
  lname: string;
  description: string;
}

interface SdRow extends SpeedDialEntry {
  domain: string;
  sdDomain: string;
}

interface SdData extends Checksummed {
  /** "owner-user|code" lower-cased -> rows in table order. */
  byOwnerCode: Map<string, SdRow[]>;
}

const EMPTY: SdData = { checksum: "", byOwnerCode: new Map() };

export class SpeedDial extends ChecksummedModule<SdData> {
  readonly params: SpeedDialParams;
  readonly table: ReloadableTable<SdData>;

  constructor(opts: { db: Db; params?: Partial<SpeedDialParams>; onError?: (e: unknown) => void }) {
    super();
    this.params = { ...SPEEDDIAL_DEFAULTS, ...opts.params };
    const db = opts.db;
    this.table = checksummedTable<SdData>(
      db,
      ["speed_dial"],
      async (checksum) => {
        const t = schema.speedDial;
        const rows = await db.select().from(t).orderBy(asc(t.id));
        const byOwnerCode = new Map<string, SdRow[]>();
        for (const r of rows) {
          const key = `${r.username}|${r.sdUsername}`.toLowerCase();
          const row: SdRow = {
            newUri: r.newUri,
            fname: r.fname,
            lname: r.lname,
            description: r.description,
            domain: this.#domain(r.domain),
            sdDomain: this.#domain(r.sdDomain),
          };
          byOwnerCode.set(key, [...(byOwnerCode.get(key) ?? []), row]);
        }
        return { data: { checksum, byOwnerCode }, size: rows.length };
      },
      EMPTY,
      { seconds: this.params.cache_refresh, onError: opts.onError },
    );
  }

  #domain(domain: string): string {
    const p = this.params.domain_prefix.toLowerCase();
    const d = domain.toLowerCase();
    return p && d.startsWith(p) ? d.slice(p.length) : d;
  }

  /**
   * sd_lookup(table[, owner]): the entry of `ownerUser`@`ownerDomain` (the From URI by default) for
   * the code dialled (`code`@`codeDomain`, the R-URI), or null.
   */
  lookup(ownerUser: string, ownerDomain: string, code: string, codeDomain = ""): SpeedDialEntry | null {
    const rows = this.table.data.byOwnerCode.get(`${ownerUser}|${code}`.toLowerCase());
    const useDomain = this.params.use_domain;
    const hit = rows?.find(
      (r) =>
        (useDomain < 1 || r.domain === this.#domain(ownerDomain)) &&
        (useDomain < 2 || r.sdDomain === this.#domain(codeDomain)),
    );
    return hit
      ? { newUri: hit.newUri, fname: hit.fname, lname: hit.lname, description: hit.description }
      : null;
  }

  /** `speeddial.reload` (Switchboard: Kamailio reads the table live, so it has no such command). */
  registerRpc(registry: RpcRegistry): void {
    registerTableReload(registry, {
      name: "speeddial.reload",
      doc: "Reload speed_dial table",
      reload: () => this.reload(),
    });
  }
}
