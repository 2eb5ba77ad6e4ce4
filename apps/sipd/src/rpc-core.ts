/**
 * Core RPC commands of sipd with Kamailio's names and result shapes (src/core/core_cmd.c,
 * kex's core_stats.c, corex): version/info/uptime/process list, sockets and aliases, statistics.
 */
import { arch, platform } from "node:os";
import { RpcError, type RpcRegistry } from "@switchboard/rpc";
import type { StatsRegistry } from "./stats.ts";

export const SIPD_VERSION = "0.1.0";
export const SERVER_NAME = `switchboard-sipd ${SIPD_VERSION}`;

export interface CoreInfo {
  stats: StatsRegistry;
  /** Bound SIP sockets as proto:host:port. */
  sockets: () => { proto: string; host: string; port: number; advertise?: string }[];
  /** Host names treated as "myself". */
  aliases: () => string[];
  startedAt: Date;
}

/** ctime(3)-style date as Kamailio prints it: "Sun Nov 22 13:29:26 2026". */
export function ctime(d: Date): string {
  const s = d.toString(); // "Sun Nov 22 2026 13:29:26 GMT+0000 (...)"
  const [wd, mon, day, year, time] = s.split(" ");
  return `${wd} ${mon} ${day} ${time} ${year}`;
}

const toStrings = (v: unknown) => (Array.isArray(v) ? v : []).map(String);

export function registerCoreRpc(registry: RpcRegistry, info: CoreInfo): void {
  registry.register({
    name: "core.version",
    doc: "Returns the version string of the server.",
    handler: () => `${SERVER_NAME} (${arch()}/${platform()}) `,
  });
  registry.register({
    name: "core.info",
    doc: "Verbose info, including version number, compiler and compile flags.",
    handler: () => ({
      version: SERVER_NAME,
      id: "unknown ",
      compiler: `node ${process.version}`,
      compiled: "",
      flags: "USE_TCP, USE_IPV6",
    }),
  });
  registry.register({
    name: "core.uptime",
    doc: "Returns uptime of the SIP server.",
    handler: () => ({
      now: ctime(new Date()),
      up_since: ctime(info.startedAt),
      uptime: Math.floor((Date.now() - info.startedAt.getTime()) / 1000),
    }),
  });
  registry.register({
    name: "core.psx",
    doc: "Returns the description of running processes.",
    flags: { returnsArray: true },
    handler: () => [{ IDX: 0, PID: process.pid, DSC: "main process - SIP receiver, timers, RPC" }],
  });
  const socketList = () =>
    info.sockets().map((s) => ({
      proto: s.proto,
      address: s.host,
      ipaddress: s.host,
      port: s.port,
      mcast: "no",
      mhomed: "no",
      ...(s.advertise ? { advertise: s.advertise } : {}),
    }));
  const aliasList = () => info.aliases().map((a) => ({ alias: a }));
  for (const name of ["core.sockets_list", "corex.list_sockets"])
    registry.register({
      name,
      doc: "Returns the list of listening sockets (one object per socket; Kamailio repeats a 'socket' key).",
      flags: { returnsArray: true },
      handler: socketList,
    });
  for (const name of ["core.aliases_list", "corex.list_aliases"])
    registry.register({
      name,
      doc: "Returns the list of host aliases treated as myself.",
      flags: { returnsArray: true },
      handler: aliasList,
    });

  registry.register({
    name: "stats.get_statistics",
    doc: 'Prints "group:name = value" for all, group: or named statistics.',
    params: "selector:str ...",
    flags: { returnsArray: true },
    handler: (params) =>
      info.stats.select(toStrings(params)).map((d) => `${d.group}:${d.name} = ${d.read()}`),
  });
  const fetch = (asNumbers: boolean) => (params: unknown[]) => {
    const out: Record<string, string | number> = {};
    for (const d of info.stats.select(toStrings(params))) {
      const v = d.read();
      out[`${d.group}.${d.name}`] = asNumbers ? v : String(v);
    }
    return out;
  };
  registry.register({
    name: "stats.fetch",
    doc: 'Returns {"group.name": "value"} for the selected statistics (values as strings).',
    params: "selector:str ...",
    handler: fetch(false),
  });
  registry.register({
    name: "stats.fetchn",
    doc: 'Returns {"group.name": value} for the selected statistics (numbers).',
    params: "selector:str ...",
    handler: fetch(true),
  });
  for (const name of ["stats.reset_statistics", "stats.clear_statistics"])
    registry.register({
      name,
      doc:
        name === "stats.reset_statistics"
          ? "Resets the selected counters to 0."
          : "Returns the selected statistics, then resets them.",
      params: "selector:str ...",
      flags: { returnsArray: name === "stats.clear_statistics" },
      handler: (params) => {
        const sel = toStrings(params);
        if (sel.length === 0) throw new RpcError(400, "Too few parameters");
        const defs = info.stats.select(sel);
        const lines = defs.map((d) => `${d.group}:${d.name} = ${d.read()}`);
        for (const d of defs) d.reset?.();
        return name === "stats.clear_statistics" ? lines : {};
      },
    });
}
