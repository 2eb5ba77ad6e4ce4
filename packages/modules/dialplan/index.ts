/**
 * dialplan module: number translation with the `dialplan` table (Kamailio's dialplan module).
 *
 *   const dp = new Dialplan({ db });
 *   await dp.load();                              // throws ReloadError when the table cannot be read
 *   const t = dp.translate(1, "0049301234");      // dp_translate("1", "$rU/$rU")
 *   if (t && t.output !== "") rU = t.output;      // empty output: keep the value (Kamailio does)
 *
 * Rules are compiled once per load (by @switchboard/match, which the console uses too); a row that does not compile is left out and reported with its id
 * (`reload()` resolves with the issues). `dialplan.reload` / `dialplan.translate` / `dialplan.dump`
 * are the RPC commands.
 */
import { type Db, schema } from "@switchboard/db";
import {
  buildDialplan,
  type DialplanData,
  type DialplanRule,
  findRule,
  rulesInOrder,
  type TranslateContext,
  type Translation,
  translate,
} from "@switchboard/match";
import type { RpcRegistry } from "@switchboard/rpc";
import { asc } from "drizzle-orm";
import { ReloadableTable, type ReloadReport } from "../shared/index.ts";
import { registerDialplanRpc } from "./rpc.ts";

export type { DialplanRow, DialplanRule, TranslateContext, Translation } from "@switchboard/match";

export interface DialplanParams {
  /** Seconds between two accepted `dialplan.reload` RPC commands (Kamailio default 5; 0 = no limit). */
  reload_delta: number;
}

export const DIALPLAN_DEFAULTS: DialplanParams = { reload_delta: 5 };

export class Dialplan {
  readonly params: DialplanParams;
  readonly table: ReloadableTable<DialplanData>;

  constructor(opts: { db: Db; params?: Partial<DialplanParams> }) {
    this.params = { ...DIALPLAN_DEFAULTS, ...opts.params };
    const db = opts.db;
    const t = schema.dialplan;
    this.table = new ReloadableTable<DialplanData>(
      "dialplan",
      async () => {
        const rows = await db.select().from(t).orderBy(asc(t.pr), asc(t.id));
        return buildDialplan(rows);
      },
      new Map(),
    );
  }

  /** First load at start; the same as reload(). */
  load(): Promise<ReloadReport> {
    return this.table.reload();
  }

  /** Re-reads the table and swaps it in; on failure the rules in use stay and ReloadError is thrown. */
  reload(): Promise<ReloadReport> {
    return this.table.reload();
  }

  hasDpid(dpid: number): boolean {
    return this.table.data.has(dpid);
  }

  /** dp_translate(dpid, input): the output and attrs of the first matching rule, or null. */
  translate(dpid: number, input: string, ctx?: TranslateContext): Translation | null {
    return translate(this.table.data, dpid, input, ctx);
  }

  /** dp_match(dpid, input): whether a rule matches (its attrs), without building an output. */
  match(dpid: number, input: string): { attrs: string; ruleId: number } | null {
    const id = this.table.data.get(dpid);
    const rule = id && input !== "" ? findRule(id, input) : null;
    return rule ? { attrs: rule.attrs, ruleId: rule.id } : null;
  }

  /** Rules of a dpid in Kamailio's order, or null when the dpid has none. */
  rules(dpid: number): DialplanRule[] | null {
    const id = this.table.data.get(dpid);
    return id ? rulesInOrder(id) : null;
  }

  registerRpc(registry: RpcRegistry): void {
    registerDialplanRpc(registry, this);
  }
}
