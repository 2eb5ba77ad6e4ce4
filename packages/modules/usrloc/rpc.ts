/**
 * usrloc RPC commands with Kamailio's names, parameters, result shapes and fault texts (ul_rpc.c):
 * ul.dump [brief], ul.lookup table aor, ul.rm table aor, ul.rm_contact table aor contact,
 * ul.add table aor contact expires q path flags cflags methods [received socket], ul.flush.
 * Commands that print nothing return undefined, which the RPC layer answers like Kamailio ({} / boolean 1).
 */
import { RpcError, type RpcParams, type RpcRegistry } from "@switchboard/rpc";
import { hasParam, intParam, strParam } from "../shared/rpc.ts";
import { isValidContact, Q_UNSPECIFIED, type UContact } from "./ucontact.ts";
import type { UDomain, Usrloc } from "./usrloc.ts";

const NOT_SET = "[not set]";
/** Call-ID and CSeq Kamailio gives bindings added by RPC (and matches them with in ul.rm_contact). */
const RPC_CALLID = "dfjrewr12386fd6-343@kamailio.rpc";
const RPC_CSEQ = 1;
const RPC_USER_AGENT = "Switchboard SIP Router - RPC Server";

/** One binding as ul.dump / ul.lookup print it, members in Kamailio's order. */
export function contactInfo(c: UContact, nowSec: number): { Contact: Record<string, unknown> } {
  const expires = c.expires === 0 ? "permanent" : nowSec > c.expires ? "expired" : c.expires - nowSec;
  return {
    Contact: {
      Address: c.contact,
      Expires: expires,
      Q: c.q,
      "Call-ID": c.callid,
      CSeq: c.cseq,
      "User-Agent": c.userAgent || NOT_SET,
      Received: c.received || NOT_SET,
      Path: c.path || NOT_SET,
      State: c.state,
      Flags: c.flags,
      CFlags: c.cflags,
      Socket: c.socket || NOT_SET,
      Methods: c.methods,
      Ruid: c.ruid || NOT_SET,
      Instance: c.instance || NOT_SET,
      "Reg-Id": c.regId,
      "Server-Id": c.serverId,
      "Tcpconn-Id": c.connectionId,
      Keepalive: c.keepalive,
      "Last-Keepalive": c.lastKeepalive,
      "KA-Roundtrip": 0,
      "Last-Modified": c.lastModified,
    },
  };
}

/** rpc->scan "f": a number, also sent as a numeric string. */
function doubleParam(params: RpcParams, i: number, fault: string): number {
  const v = params[i];
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new RpcError(500, fault);
  return n;
}

/** Kamailio's rpc_fix_aor: with use_domain the AoR must carry "@domain"; without, the domain is cut. */
function fixAor(ul: Usrloc, aor: string): string {
  const at = aor.indexOf("@");
  if (ul.params.use_domain) {
    if (at < 0) throw new RpcError(500, "Domain missing in AOR");
    return aor.slice(0, at + 1) + aor.slice(at + 1).toLowerCase();
  }
  return at < 0 ? aor : aor.slice(0, at);
}

function tableAndAor(ul: Usrloc, params: RpcParams, missing: string): { dom: UDomain; aor: string } {
  const table = strParam(params, 0, missing);
  const aor = strParam(params, 1, missing);
  const dom = ul.find(table);
  if (!dom) throw new RpcError(500, "Domain table not found");
  return { dom, aor: fixAor(ul, aor) };
}

/** ul_rpc_is_param_set: "", "." and "0" mean "not given" for the optional string params of ul.add. */
const isSet = (p: string | undefined): p is string => !!p && p !== "." && p !== "0";

async function dump(ul: Usrloc, brief: boolean) {
  const now = ul.nowSec();
  const size = ul.params.hash_size;
  const Domains = [];
  for (const dom of ul.domains) {
    const records = [];
    for await (const r of dom.all()) records.push(r);
    // Kamailio walks the hash table slot by slot; records of one slot keep their insertion order.
    const slots = new Map<number, number>();
    const ordered = records
      .map((r, i) => ({ r, i, slot: r.aorhash & (size - 1) }))
      .sort((a, b) => a.slot - b.slot || a.i - b.i);
    for (const { slot } of ordered) slots.set(slot, (slots.get(slot) ?? 0) + 1);
    const AoRs = ordered.map(({ r }) =>
      brief
        ? { AoR: r.aor }
        : { Info: { AoR: r.aor, HashID: r.aorhash, Contacts: r.contacts.map((c) => contactInfo(c, now)) } },
    );
    Domains.push({
      Domain: {
        Domain: dom.name,
        Size: size,
        AoRs,
        Stats: { Records: records.length, "Max-Slots": Math.max(0, ...slots.values()) },
      },
    });
  }
  return { Domains };
}

/** Registers ul.dump, ul.lookup, ul.rm, ul.rm_contact, ul.add and ul.flush. */
export function registerUsrlocRpc(registry: RpcRegistry, ul: Usrloc): void {
  registry.register({
    name: "ul.dump",
    doc: "Dump user location tables",
    params: "[brief]",
    handler: (params) => dump(ul, params[0] === "brief"),
  });

  registry.register({
    name: "ul.lookup",
    doc: "Lookup one AOR in the usrloc location table",
    params: "table:str, aor:str",
    handler: async (params) => {
      const { dom, aor } = tableAndAor(ul, params, "Not enough parameters (table and AOR to lookup)");
      let contacts: readonly UContact[];
      try {
        contacts = await dom.get(aor);
      } catch {
        throw new RpcError(500, "AOR not found in location table");
      }
      if (contacts.length === 0) throw new RpcError(500, "AOR not found in location table");
      const now = ul.nowSec();
      const valid = contacts.filter((c) => isValidContact(c, now));
      if (valid.length === 0) throw new RpcError(500, "AOR has no contacts");
      return { AoR: aor, Contacts: valid.map((c) => contactInfo(c, now)) };
    },
  });

  registry.register({
    name: "ul.rm",
    doc: "Delete a address of record including its contacts",
    params: "table:str, aor:str",
    handler: async (params) => {
      const { dom, aor } = tableAndAor(ul, params, "Not enough parameters (table and AOR to lookup)");
      const res = await dom.transact(aor, (existing) => ({
        ops: existing.map((contact) => ({ op: "delete" as const, contact })),
      }));
      if (res.error) throw new RpcError(500, "Failed to delete AOR");
    },
  });

  registry.register({
    name: "ul.rm_contact",
    doc: "Delete a contact from an AOR record",
    params: "table:str, aor:str, contact:str",
    handler: async (params) => {
      const missing = "Not enough parameters (table, AOR and contact)";
      const contact = strParam(params, 2, missing);
      const { dom, aor } = tableAndAor(ul, params, missing);
      const res = await dom.transact(aor, (existing) => {
        const found = existing.find((c) => c.contact === contact);
        return {
          found: existing.length > 0,
          hit: !!found,
          ops: found ? [{ op: "delete" as const, contact: found }] : [],
        };
      });
      if (!res.decision) throw new RpcError(500, "Internal error (can't get contact)");
      if (!res.decision.found) throw new RpcError(404, "AOR not found");
      if (!res.decision.hit) throw new RpcError(404, "Contact not found");
      if (res.error) throw new RpcError(500, "Internal error (can't delete contact)");
    },
  });

  registry.register({
    name: "ul.add",
    doc: "Add a new contact for an address of record",
    params:
      "table:str, aor:str, contact:str, expires:int, q:double, path:str, flags:int, cflags:int, methods:int[, received:str, socket:str]",
    handler: async (params) => {
      const wrong = "Not enough parameters or wrong format";
      const contact = strParam(params, 2, wrong);
      const expires = intParam(params, 3, wrong);
      const q = doubleParam(params, 4, wrong);
      const path = strParam(params, 5, wrong);
      const flags = intParam(params, 6, wrong);
      const cflags = intParam(params, 7, wrong);
      const methods = intParam(params, 8, wrong);
      const received = hasParam(params, 9) ? strParam(params, 9, wrong) : undefined;
      const socket = hasParam(params, 10) ? strParam(params, 10, wrong) : undefined;
      const { dom, aor } = tableAndAor(ul, params, wrong);
      const now = ul.nowSec();
      const res = await dom.transact(aor, (existing) => {
        const old = existing.find((c) => c.contact === contact);
        const binding: UContact = {
          ruid: old?.ruid ?? ul.newRuid(),
          aor,
          contact,
          received: isSet(received) ? received : "",
          path: isSet(path) ? path : "",
          // 0 means a permanent binding.
          expires: expires === 0 ? 0 : now + expires,
          q: q < 0 ? Q_UNSPECIFIED : Math.min(1, Math.round(q * 1000) / 1000),
          callid: RPC_CALLID,
          cseq: RPC_CSEQ,
          flags: flags >>> 0,
          cflags: cflags >>> 0,
          userAgent: RPC_USER_AGENT,
          socket: isSet(socket) ? socket : "",
          methods: methods >>> 0,
          instance: "",
          regId: 0,
          serverId: ul.params.server_id,
          connectionId: -1,
          keepalive: 0,
          lastKeepalive: now,
          lastModified: now,
          state: "CS_NEW",
        };
        return { ops: [{ op: old ? ("update" as const) : ("insert" as const), contact: binding }] };
      });
      if (!res.decision) throw new RpcError(500, "Can't get record");
      if (res.error)
        throw new RpcError(500, res.error.op === "update" ? "Can't update contact" : "Can't insert contact");
    },
  });

  registry.register({
    name: "ul.flush",
    doc: "Flush the usrloc memory cache to DB",
    handler: async () => {
      try {
        await ul.flush();
      } catch {
        throw new RpcError(500, "Operation failed");
      }
    },
  });
}
