/**
 * domain module: the domains this server is responsible for (`domain` table) and their attributes
 * (`domain_attrs`), for multi-domain setups (Kamailio's domain module, WITH_MULTIDOMAIN).
 *
 *   const domains = new DomainModule({ db });
 *   await domains.load();
 *   domains.isDomainLocal(rd)          // is_domain_local("$rd"), also is_from_local / is_uri_host_local
 *   domains.lookupDomain(fd)           // lookup_domain("$fd"): { did, attrs }
 *
 * Cached like Kamailio (reload with `domain.reload`, list with `domain.dump`). Domain names compare
 * case-insensitively; a domain without did has its own name as did.
 */
import { type Db, schema } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { RpcError } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import { type LoadIssue, ReloadableTable, type ReloadReport } from "../shared/index.ts";
import { registerTableReload } from "../shared/rpc.ts";

/** domain_attrs.type: 0 integer, 2 string (Kamailio's AVP types). */
export type DomainAttrValue = number | string;

export interface DomainInfo {
  domain: string;
  did: string;
  /** Attributes of the did by name; a name may have several values (AVP list), in table order. */
  attrs: Map<string, DomainAttrValue[]>;
}

interface DomainData {
  /** Lower-cased domain -> info. */
  byName: Map<string, DomainInfo>;
  /** did -> attributes. */
  attrs: Map<string, Map<string, DomainAttrValue[]>>;
  /** Domains in table order, for domain.dump. */
  list: DomainInfo[];
}

const EMPTY: DomainData = { byName: new Map(), attrs: new Map(), list: [] };

export class DomainModule {
  readonly table: ReloadableTable<DomainData>;

  constructor(opts: { db: Db }) {
    const db = opts.db;
    this.table = new ReloadableTable<DomainData>(
      "domain",
      async () => {
        const d = schema.domain;
        const a = schema.domainAttrs;
        const domains = await db.select().from(d).orderBy(asc(d.id));
        const attrRows = await db.select().from(a).orderBy(asc(a.id));
        const issues: LoadIssue[] = [];
        const attrs = new Map<string, Map<string, DomainAttrValue[]>>();
        for (const r of attrRows) {
          let value: DomainAttrValue = r.value;
          if (r.type === 0) {
            if (!/^[+-]?\d+$/.test(r.value.trim())) {
              issues.push({
                id: r.id,
                message: `domain_attrs ${r.name}: integer value expected, got ${JSON.stringify(r.value)}`,
              });
              continue;
            }
            value = Number.parseInt(r.value, 10);
          } else if (r.type !== 2) {
            issues.push({ id: r.id, message: `domain_attrs ${r.name}: unknown type ${r.type}` });
            continue;
          }
          const byName = attrs.get(r.did) ?? new Map<string, DomainAttrValue[]>();
          byName.set(r.name, [...(byName.get(r.name) ?? []), value]);
          attrs.set(r.did, byName);
        }
        const byName = new Map<string, DomainInfo>();
        const list: DomainInfo[] = [];
        for (const r of domains) {
          const did = r.did ?? r.domain;
          const info: DomainInfo = { domain: r.domain, did, attrs: attrs.get(did) ?? new Map() };
          byName.set(r.domain.toLowerCase(), info);
          list.push(info);
        }
        return { data: { byName, attrs, list }, size: domains.length, issues };
      },
      EMPTY,
    );
  }

  load(): Promise<ReloadReport> {
    return this.table.reload();
  }

  reload(): Promise<ReloadReport> {
    return this.table.reload();
  }

  /** is_domain_local(domain): the domain is in the domain table. */
  isDomainLocal(domain: string): boolean {
    return this.table.data.byName.has(domain.toLowerCase());
  }

  /** lookup_domain(domain): its did and the did's attributes, or null when it is not local. */
  lookupDomain(domain: string): DomainInfo | null {
    return this.table.data.byName.get(domain.toLowerCase()) ?? null;
  }

  /** Every local domain, in table order. */
  domains(): readonly DomainInfo[] {
    return this.table.data.list;
  }

  registerRpc(registry: RpcRegistry): void {
    registerTableReload(registry, {
      name: "domain.reload",
      doc: "Reload domain tables from database",
      reload: () => this.reload(),
      fault: { code: 400, message: "Reload of domain tables failed" },
    });
    registry.register({
      name: "domain.dump",
      doc: "Return the contents of domain and domain_attrs tables",
      handler: () => {
        if (!this.table.loaded) throw new RpcError(404, "Server Domain Cache Empty");
        const data = this.table.data;
        return {
          domains: data.list.map((d) => ({ domain: d.domain, did: d.did })),
          // One name per value, as Kamailio lists each attribute AVP.
          attributes: [...data.attrs].map(([did, names]) => ({
            did,
            attrs: [...names].flatMap(([name, values]) => values.map(() => name)),
          })),
        };
      },
    });
  }
}
