/**
 * The registrar module: save(), lookup() and registered() over usrloc, with Kamailio's statistics.
 * The SIP layer hands in an already parsed REGISTER (RegisterRequest) and sends the SaveReply it gets back.
 */
import {
  isValidContact,
  natFlagMask,
  type UContact,
  type Usrloc,
  type UsrlocDbError,
} from "../usrloc/index.ts";
import { type LookupResult, selectBranches } from "./lookup.ts";
import { type RegistrarParams, resolveRegistrarParams } from "./params.ts";
import { buildReply, type SaveReply } from "./reply.ts";
import { prepareRegister, type RegisterRequest } from "./request.ts";
import type { Rerrno } from "./rerrno.ts";
import { decideSave, REG_SAVE_NOVARIATION_FL, REG_SAVE_REPL_FL } from "./save.ts";

export interface RegistrarOptions {
  params?: Partial<RegistrarParams>;
  /** Source of randomness for expires_range (tests). */
  random?: () => number;
}

/** What lookup() needs from the request: the Request-URI's user and host, and the method. */
export interface LookupRequest {
  user: string;
  domain?: string;
  method: string;
}

const DB_ERRNO: Record<UsrlocDbError["op"], Rerrno> = {
  get: "UL_GET_R",
  insert: "UL_INS_C",
  update: "UL_UPD_C",
  delete: "UL_DEL_C",
};

export class Registrar {
  readonly params: RegistrarParams;
  /** registrar:accepted_regs / registrar:rejected_regs. */
  readonly counters = { accepted_regs: 0, rejected_regs: 0 };
  private readonly random: () => number;

  constructor(
    private readonly ul: Usrloc,
    opts: RegistrarOptions = {},
  ) {
    this.params = resolveRegistrarParams(opts.params);
    this.random = opts.random ?? Math.random;
  }

  /**
   * save(table, flags): processes a REGISTER and returns the reply to send. flags: 4 (REG_SAVE_REPL_FL)
   * keeps only the REGISTER's contact, 8 (REG_SAVE_NOVARIATION_FL) skips the expires randomisation.
   * In usrloc db_mode 1/3 a failed database write answers 500 (in mode 1 the binding is still kept and
   * retried by the usrloc timer).
   */
  async save(req: RegisterRequest, table = "location", flags = 0): Promise<SaveReply> {
    const dom = this.ul.domain(table);
    const ulp = this.ul.params;
    const nowSec = this.ul.nowSec();
    const prepared = prepareRegister(req, {
      params: this.params,
      useDomain: ulp.use_domain === 1,
      natMask: natFlagMask(ulp),
      nowSec,
      noVariation: (flags & REG_SAVE_NOVARIATION_FL) !== 0,
      random: this.random,
    });
    if (typeof prepared === "string") return this.finish(prepared, -1, [], nowSec, "", false);
    // RFC 3327 §5.3 with path_mode strict: a Path from a UA that does not support it is refused untouched.
    if (prepared.path && this.params.path_mode === 2 && !prepared.supportsPath)
      return this.finish("PATH_UNSUP", -1, [], nowSec, prepared.path, false);

    const res = await dom.transact(prepared.aor, (existing) =>
      decideSave(prepared, existing, {
        nowSec,
        maxContacts: this.params.max_contacts,
        replace: (flags & REG_SAVE_REPL_FL) !== 0,
        matchingMode: ulp.matching_mode,
        cseqDelay: ulp.cseq_delay,
        serverId: ulp.server_id,
        newRuid: this.ul.newRuid,
      }),
    );
    const d = res.decision;
    if (res.error)
      return this.finish(
        DB_ERRNO[res.error.op],
        -1,
        d?.bindings ?? [],
        nowSec,
        prepared.path,
        prepared.supportsPath,
      );
    if (!d) return this.finish("UL_GET_R", -1, [], nowSec, prepared.path, prepared.supportsPath);
    return this.finish(d.rerrno, d.ret, d.bindings, nowSec, prepared.path, prepared.supportsPath);
  }

  private finish(
    rerrno: Rerrno,
    code: number,
    bindings: readonly UContact[],
    nowSec: number,
    path: string,
    supportsPath: boolean,
  ): SaveReply {
    if (rerrno === "FINE") this.counters.accepted_regs++;
    else this.counters.rejected_regs++;
    return buildReply({ rerrno, code, bindings, path, supportsPath }, nowSec, this.params);
  }

  /**
   * lookup(table): the targets registered for the Request-URI's AoR, best first. code 1 found, -1 not
   * found (404), -2 found but no binding accepts the method (405), -3 error.
   */
  async lookup(req: LookupRequest, table = "location"): Promise<LookupResult> {
    const dom = this.ul.domain(table);
    let bindings: readonly UContact[];
    try {
      bindings = await dom.get(dom.aorOf(req.user, req.domain));
    } catch {
      return { code: -3, branches: [] };
    }
    return selectBranches(bindings, req.method, this.ul.nowSec(), {
      methodFiltering: this.params.method_filtering === 1,
      appendBranches: this.params.append_branches === 1,
    });
  }

  /** registered(table): true when the AoR has at least one valid binding. */
  async registered(user: string, domain?: string, table = "location"): Promise<boolean> {
    const dom = this.ul.domain(table);
    const now = this.ul.nowSec();
    try {
      return (await dom.get(dom.aorOf(user, domain))).some((c) => isValidContact(c, now));
    } catch {
      return false;
    }
  }

  /** Kamailio's registrar statistics, shaped for sipd's stats registry. */
  statDefs(): Array<{ group: string; name: string; read: () => number; reset?: () => void }> {
    const p = this.params;
    const gauge = (name: string, read: () => number) => ({ group: "registrar", name, read });
    return [
      {
        ...gauge("accepted_regs", () => this.counters.accepted_regs),
        reset: () => {
          this.counters.accepted_regs = 0;
        },
      },
      gauge("default_expire", () => p.default_expires),
      gauge("default_expires_range", () => p.default_expires_range),
      gauge("expires_range", () => p.expires_range),
      gauge("max_contacts", () => p.max_contacts),
      gauge("max_expires", () => p.max_expires),
      {
        ...gauge("rejected_regs", () => this.counters.rejected_regs),
        reset: () => {
          this.counters.rejected_regs = 0;
        },
      },
    ];
  }
}
