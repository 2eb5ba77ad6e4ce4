/**
 * RPC commands of Kamailio's permissions module (rpc.c, hash.c), same answers and fault texts, with
 * one fix: `permissions.trustedDump` (and `permissions.domainDump`) answer a JSON array of entries,
 * where Kamailio prints one object with the keys "table"/"item" repeated (invalid as JSON data).
 */
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import { formatIssues, ReloadError, type ReloadReport } from "../shared/index.ts";
import { ReloadGuard } from "../shared/rpc.ts";
import type { Permissions } from "./index.ts";

async function reloadAnswer(table: { reload(): Promise<ReloadReport> }): Promise<string> {
  try {
    const report = await table.reload();
    return report.issues.length
      ? `Reload OK. Warnings: ${formatIssues(report.issues).join("; ")}`
      : "Reload OK";
  } catch (e) {
    if (e instanceof ReloadError) throw new RpcError(500, "Reload failed.");
    throw e;
  }
}

export function registerPermissionsRpc(registry: RpcRegistry, perm: Permissions): void {
  // Kamailio flags both reloads RPC_EXEC_DELTA and shares one reload timestamp between them.
  const guard = new ReloadGuard(() => perm.params.reload_delta, "ongoing reload");

  registry.register({
    name: "permissions.addressReload",
    doc: "Reload permissions address table",
    handler: () => {
      guard.enter();
      return reloadAnswer(perm.address);
    },
  });

  registry.register({
    name: "permissions.trustedReload",
    doc: "Reload permissions trusted table",
    handler: () => {
      guard.enter();
      return reloadAnswer(perm.trusted);
    },
  });

  registry.register({
    name: "permissions.addressDump",
    doc: "Print all addresses in cached address table",
    flags: { returnsArray: true },
    handler: () =>
      perm.address.data.addrs.map((a) => ({
        table: a.slot,
        group: a.grp,
        item: { ip: a.ip.text, port: a.port, tag: a.tag ?? "NULL" },
      })),
  });

  registry.register({
    name: "permissions.subnetDump",
    doc: "Print all subnets in cached subnet table",
    flags: { returnsArray: true },
    handler: () =>
      perm.address.data.subnets.map((s, id) => ({
        id,
        group: s.grp,
        item: { ip: s.ip.text, mask: s.mask, port: s.port, tag: s.tag ?? "" },
      })),
  });

  registry.register({
    name: "permissions.domainDump",
    doc: "Print all domain names in cached domain name table",
    flags: { returnsArray: true },
    handler: () =>
      perm.address.data.domains.map((d) => ({
        table: d.slot,
        group: d.grp,
        item: { domain_name: d.domain, port: d.port, tag: d.tag ?? "NULL" },
      })),
  });

  registry.register({
    name: "permissions.trustedDump",
    doc: "Print all entries in cached trusted table",
    flags: { returnsArray: true },
    handler: () =>
      perm.trusted.data.all.map((e) => ({
        table: e.slot,
        item: {
          ip: e.srcIp,
          proto: e.proto,
          pattern: e.fromPattern ?? "NULL",
          ruri_pattern: e.ruriPattern ?? "NULL",
          tag: e.tag ?? "NULL",
          priority: e.priority,
        },
      })),
  });
}
