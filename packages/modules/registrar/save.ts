/**
 * save("location") decisions (Kamailio registrar save.c), as a pure function of the AoR's current bindings
 * and the validated REGISTER (RFC 3261 §10.3 steps 6-8):
 * - `Contact: *` removes every binding; no Contact returns the bindings;
 * - a Contact with expires 0 removes its binding, others add or refresh one;
 * - a binding is found by +sip.instance and reg-id when the Contact has an instance (RFC 5626), otherwise
 *   by usrloc matching_mode (contact URI by default);
 * - same Call-ID with a lower CSeq is rejected (400 Invalid CSeq number); the same CSeq again within
 *   cseq_delay seconds is a retransmission and leaves the binding alone;
 * - max_contacts counts the valid bindings after the change; beyond it nothing changes (503).
 * Unlike Kamailio, which may have applied part of a REGISTER before hitting an error, an error here
 * changes nothing: every check runs before the operations are returned.
 */
import type { UContact, UlOp } from "../usrloc/index.ts";
import { compareContacts, isValidContact } from "../usrloc/index.ts";
import type { PreparedContact, PreparedRegister } from "./request.ts";
import type { Rerrno } from "./rerrno.ts";

/** save() flags (Kamailio REG_SAVE_*_FL) that change the decision. */
export const REG_SAVE_REPL_FL = 4;
export const REG_SAVE_NOVARIATION_FL = 8;

export interface SaveEnv {
  nowSec: number;
  maxContacts: number;
  /** REG_SAVE_REPL_FL: the REGISTER's first (non-retransmitted) contact replaces all bindings. */
  replace: boolean;
  matchingMode: 0 | 1 | 2 | 3;
  cseqDelay: number;
  serverId: number;
  newRuid: () => string;
}

export interface SaveDecision {
  rerrno: Rerrno;
  /** Kamailio's save() return: 1 added, 2 updated, 3 removed, 4 listed; -1 error, -2 too many contacts. */
  ret: number;
  ops: UlOp[];
  /** The AoR's bindings after the operations (before them when rerrno is an error). */
  bindings: readonly UContact[];
}

type Match = { kind: "found"; c: UContact } | { kind: "none" } | { kind: "badcseq" } | { kind: "retrans" };

const stripAngles = (s: string) => (s.startsWith("<") && s.endsWith(">") ? s.slice(1, -1) : s);

/** usrloc get_ucontact_by_instance() / get_ucontact(). */
function findBinding(
  list: readonly UContact[],
  c: PreparedContact,
  reg: PreparedRegister,
  cseq: number,
  env: SaveEnv,
): Match {
  if (c.instance) {
    const inst = stripAngles(c.instance);
    const hit = list.find((b) => b.instance && b.regId === c.regId && stripAngles(b.instance) === inst);
    return hit ? { kind: "found", c: hit } : { kind: "none" };
  }
  let hit: UContact | undefined;
  switch (env.matchingMode) {
    case 1:
      hit = list.find((b) => b.contact === c.uri && b.callid === reg.callid);
      break;
    case 2:
      hit = list.find((b) => b.contact === c.uri && b.path === reg.path);
      break;
    case 3:
      hit = list.find((b) => b.callid === reg.callid);
      break;
    default:
      hit = list.find((b) => b.contact === c.uri);
  }
  if (!hit) return { kind: "none" };
  // Mode 1 compares CSeq even across Call-IDs (Kamailio's no_callid); the others only within one Call-ID.
  if (env.matchingMode === 1 || hit.callid === reg.callid) {
    if (cseq < hit.cseq) return { kind: "badcseq" };
    if (cseq === hit.cseq)
      return hit.lastModified + env.cseqDelay > env.nowSec ? { kind: "retrans" } : { kind: "badcseq" };
  }
  return { kind: "found", c: hit };
}

function binding(
  reg: PreparedRegister,
  c: PreparedContact,
  ruid: string,
  flags: number,
  env: SaveEnv,
): UContact {
  return {
    ruid,
    aor: reg.aor,
    contact: c.uri,
    received: reg.pathReceived || c.received,
    path: reg.path,
    expires: c.expires,
    q: c.q,
    callid: reg.callid,
    cseq: reg.cseq,
    flags,
    cflags: reg.cflags,
    userAgent: reg.userAgent,
    socket: reg.socket,
    methods: c.methods,
    instance: c.instance,
    regId: c.regId,
    serverId: env.serverId,
    connectionId: reg.connectionId,
    keepalive: 0,
    lastKeepalive: env.nowSec,
    lastModified: env.nowSec,
    state: "CS_NEW",
  };
}

/** A working copy of the AoR's bindings that records the operations applied to it. */
class Work {
  readonly list: UContact[];
  readonly ops: UlOp[] = [];
  constructor(existing: readonly UContact[]) {
    this.list = [...existing];
  }
  insert(c: UContact): UContact {
    this.list.push(c);
    this.ops.push({ op: "insert", contact: c });
    return c;
  }
  update(old: UContact, c: UContact): void {
    this.list[this.list.indexOf(old)] = c;
    // Refreshing a binding inserted by this same REGISTER stays an insert.
    const pending = this.ops.findIndex((o) => o.op === "insert" && o.contact === old);
    if (pending >= 0) this.ops[pending] = { op: "insert", contact: c };
    else this.ops.push({ op: "update", contact: c });
  }
  remove(old: UContact): void {
    this.list.splice(this.list.indexOf(old), 1);
    this.ops.push({ op: "delete", contact: old });
  }
  removeAllBut(keep: UContact): void {
    for (const b of [...this.list]) if (b !== keep) this.remove(b);
  }
}

/** test_max_contacts(): valid bindings once this REGISTER is applied. */
function countAfter(existing: readonly UContact[], reg: PreparedRegister, env: SaveEnv): number | "badcseq" {
  let n = existing.filter((b) => isValidContact(b, env.nowSec)).length;
  for (const c of reg.contacts) {
    const m = findBinding(existing, c, reg, reg.cseq, env);
    if (m.kind === "badcseq") return "badcseq";
    if (m.kind === "none" && c.expires !== 0) n++;
    else if (m.kind === "found" && c.expires === 0) n--;
  }
  return n;
}

export function decideSave(reg: PreparedRegister, existing: readonly UContact[], env: SaveEnv): SaveDecision {
  const fail = (rerrno: Rerrno): SaveDecision => ({
    rerrno,
    ret: rerrno === "TOO_MANY" ? -2 : -1,
    ops: [],
    bindings: existing,
  });
  const done = (w: Work, ret: number): SaveDecision => ({
    rerrno: "FINE",
    ret,
    ops: w.ops,
    bindings: w.list.sort(compareContacts),
  });
  const work = new Work(existing);

  if (reg.star) {
    for (const b of existing) work.remove(b);
    return done(work, 3);
  }
  if (reg.contacts.length === 0) return done(work, 4);

  if (existing.length === 0) {
    // insert_contacts(): a new AoR. The CSeq is bumped for the lookup so that a contact repeated in the
    // same REGISTER refreshes the binding its first occurrence created.
    let num = 0;
    for (const c of reg.contacts) {
      if (c.expires === 0) continue;
      if (env.maxContacts > 0 && num >= env.maxContacts) return fail("TOO_MANY");
      num++;
      const m = findBinding(work.list, c, reg, reg.cseq + 1, env);
      if (m.kind === "found") work.update(m.c, binding(reg, c, m.c.ruid, m.c.flags, env));
      else work.insert(binding(reg, c, env.newRuid(), 0, env));
    }
    return done(work, 1);
  }

  // update_contacts(): an existing AoR.
  if (!env.replace && env.maxContacts > 0) {
    const n = countAfter(existing, reg, env);
    if (n === "badcseq") return fail("INV_CSEQ");
    if (n > env.maxContacts) return fail("TOO_MANY");
  }
  let rc = 0;
  for (const c of reg.contacts) {
    const m = findBinding(work.list, c, reg, reg.cseq, env);
    if (m.kind === "badcseq") return fail("INV_CSEQ");
    if (m.kind === "retrans") {
      if (c.expires !== 0 && env.replace) break;
      continue;
    }
    let onlyOne = false;
    if (m.kind === "none") {
      if (c.expires === 0) continue;
      const added = work.insert(binding(reg, c, env.newRuid(), 0, env));
      rc = 1;
      if (env.replace) {
        work.removeAllBut(added);
        onlyOne = true;
      }
    } else if (c.expires === 0) {
      work.remove(m.c);
      rc = 3;
    } else {
      if (env.replace) {
        work.removeAllBut(m.c);
        onlyOne = true;
      }
      // RFC 5626: a new Call-ID for an instance means the UA restarted; its older flows go.
      if (c.instance && m.c.callid !== reg.callid) {
        for (const b of [...work.list])
          if (b !== m.c && b.instance && stripAngles(b.instance) === stripAngles(m.c.instance))
            work.remove(b);
        onlyOne = true;
      }
      work.update(m.c, binding(reg, c, m.c.ruid, m.c.flags, env));
      rc = 2;
    }
    // Kamailio stops at the first contact that replaced others.
    if (onlyOne) break;
  }
  return done(work, rc === 0 ? 1 : rc);
}
