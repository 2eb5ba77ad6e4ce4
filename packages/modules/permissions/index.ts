/**
 * permissions module: IP-based authorisation with the `address` and `trusted` tables (Kamailio's
 * permissions module with its cache on, `db_mode` 1).
 *
 *   const perm = new Permissions({ db });
 *   await perm.load();
 *   perm.allowSourceAddress(1, srcIp, srcPort)                 // allow_source_address("1") -> { allowed, tag }
 *   perm.allowTrusted(srcIp, "udp", fromUri, requestUri)      // allow_trusted() -> { allowed, tag, tags }
 *
 * Each table reloads on its own (`permissions.addressReload`, `permissions.trustedReload`); a failed
 * reload keeps the entries in use, bad rows are left out and reported with their id.
 */
import { type Db, schema } from "@switchboard/db";
import type { RpcRegistry } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import { ReloadableTable, type ReloadReport } from "../shared/index.ts";
import {
  type AddressData,
  buildAddress,
  EMPTY_ADDRESS,
  findAddressGroup,
  matchAddress,
  type Permission,
} from "./address.ts";
import { registerPermissionsRpc } from "./rpc.ts";
import {
  buildTrusted,
  EMPTY_TRUSTED,
  matchTrusted,
  type TrustedData,
  type TrustedResult,
} from "./trusted.ts";

export type { Permission } from "./address.ts";
export type { TrustedResult } from "./trusted.ts";

export interface PermissionsParams {
  /** 0: allow_trusted reports the first matching entry's tag; 1: the tags of every matching entry. */
  peer_tag_mode: number;
  /** Most subnet rows (mask shorter than the address) kept from the address table. */
  max_subnets: number;
  /** Seconds between two accepted reload RPC commands (Kamailio default 5; 0 = no limit). */
  reload_delta: number;
}

export const PERMISSIONS_DEFAULTS: PermissionsParams = {
  peer_tag_mode: 0,
  max_subnets: 512,
  reload_delta: 5,
};

export class Permissions {
  readonly params: PermissionsParams;
  readonly address: ReloadableTable<AddressData>;
  readonly trusted: ReloadableTable<TrustedData>;

  constructor(opts: { db: Db; params?: Partial<PermissionsParams> }) {
    this.params = { ...PERMISSIONS_DEFAULTS, ...opts.params };
    const db = opts.db;
    const a = schema.address;
    const t = schema.trusted;
    this.address = new ReloadableTable<AddressData>(
      "address",
      async () => buildAddress(await db.select().from(a).orderBy(asc(a.id)), this.params.max_subnets),
      EMPTY_ADDRESS,
    );
    this.trusted = new ReloadableTable<TrustedData>(
      "trusted",
      async () => buildTrusted(await db.select().from(t).orderBy(asc(t.id))),
      EMPTY_TRUSTED,
    );
  }

  /** Loads both tables; rejects with the first failure (the other table is loaded anyway). */
  async load(): Promise<ReloadReport[]> {
    const results = await Promise.allSettled([this.address.reload(), this.trusted.reload()]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<ReloadReport>).value);
  }

  /** The same as load(): both tables. */
  reload(): Promise<ReloadReport[]> {
    return this.load();
  }

  /** allow_source_address([group]): the request's source ip:port is in the group (default 1). */
  allowSourceAddress(group: number, ip: string, port: number): Permission {
    return matchAddress(this.address.data, group, ip, port);
  }

  /** allow_address(group, ip_or_name, port). */
  allowAddress(group: number, address: string, port: number): Permission {
    return matchAddress(this.address.data, group, address, port);
  }

  /** allow_source_address_group() / allow_address_group(ip, port): the matching group, or -1. */
  addressGroup(ip: string, port: number): number {
    return findAddressGroup(this.address.data, ip, port);
  }

  /**
   * allow_trusted([src_ip, proto]): `proto` is the transport the request came on ("udp", "tcp",
   * "tls", "ws", "wss", "sctp" or "any"), `fromUri` the From header's URI, `ruri` the Request-URI.
   */
  allowTrusted(srcIp: string, proto: string, fromUri: string, ruri: string): TrustedResult {
    return matchTrusted(this.trusted.data, srcIp, proto, fromUri, ruri, this.params.peer_tag_mode !== 0);
  }

  registerRpc(registry: RpcRegistry): void {
    registerPermissionsRpc(registry, this);
  }
}
