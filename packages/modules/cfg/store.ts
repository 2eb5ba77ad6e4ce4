/**
 * Runtime configuration store, in the manner of Kamailio's cfg framework: variables live in groups
 * (`pstn.gw_ip`, `tm.fr_timer`...), each with a type (int or string), a default, a description and
 * limits. They can be read on every request and changed at runtime (cfg.set RPC) without a restart;
 * listeners hear about each change (e.g. core.debug sets the log level).
 *
 * As in Kamailio, setting an int variable from a string that holds a number, or a string variable
 * from a number, converts the value; anything else is refused with the reason.
 */

export type CfgType = "int" | "string";
export type CfgValue = number | string;

export interface CfgVarDef {
  group: string;
  name: string;
  type: CfgType;
  default: CfgValue;
  /** One line, returned by cfg.help. */
  doc: string;
  /** Inclusive bounds for int variables. */
  min?: number;
  max?: number;
  /** Extra check; returns the reason a value is refused (gets the store for cross-variable rules). */
  validate?: (value: CfgValue, store: CfgStore) => string | undefined;
}

export interface CfgChange {
  group: string;
  name: string;
  value: CfgValue;
  old: CfgValue;
}

export class CfgError extends Error {
  override name = "CfgError";
}

type Listener = (change: CfgChange) => void;

export class CfgStore {
  private readonly defs = new Map<string, CfgVarDef>();
  private readonly values = new Map<string, CfgValue>();
  private readonly listeners = new Map<string, Set<Listener>>();

  /**
   * @param defs   variables to declare
   * @param initial start values by "group.name" (e.g. from the config file), validated like set()
   */
  constructor(defs: readonly CfgVarDef[] = [], initial: Record<string, CfgValue> = {}) {
    for (const d of defs) this.declare(d);
    // Cross-variable rules are checked once all start values are in, so their order does not matter.
    for (const [key, value] of Object.entries(initial)) {
      const dot = key.indexOf(".");
      this.apply(this.def(key.slice(0, dot), key.slice(dot + 1)), value, {
        notify: false,
        crossCheck: false,
      });
    }
    for (const d of this.defs.values()) {
      const problem = d.validate?.(this.get(d.group, d.name), this);
      if (problem) throw new CfgError(`${d.group}.${d.name}: ${problem}`);
    }
  }

  /** Add a variable (a module declaring its own group). */
  declare(def: CfgVarDef): void {
    const key = `${def.group}.${def.name}`;
    if (this.defs.has(key)) throw new CfgError(`cfg: ${key} declared twice`);
    const problem = this.problem(def, def.default, false);
    if (problem) throw new CfgError(`cfg: default of ${key} invalid: ${problem}`);
    this.defs.set(key, def);
    this.values.set(key, def.default);
  }

  has(group: string, name: string): boolean {
    return this.defs.has(`${group}.${name}`);
  }

  get(group: string, name: string): CfgValue {
    this.def(group, name);
    return this.values.get(`${group}.${name}`) as CfgValue;
  }

  getInt(group: string, name: string): number {
    const v = this.get(group, name);
    if (typeof v !== "number") throw new CfgError(`cfg: ${group}.${name} is not an int variable`);
    return v;
  }

  getString(group: string, name: string): string {
    return String(this.get(group, name));
  }

  /** Values of a whole group, in declaration order. */
  group(group: string): Record<string, CfgValue> {
    const out: Record<string, CfgValue> = {};
    for (const d of this.defs.values()) if (d.group === group) out[d.name] = this.get(d.group, d.name);
    if (Object.keys(out).length === 0) throw new CfgError(`cfg: unknown group ${group}`);
    return out;
  }

  /** Set a variable now; throws CfgError with the reason when the value is refused. */
  set(group: string, name: string, value: CfgValue): void {
    this.apply(this.def(group, name), value);
  }

  /** Back to the declared defaults, for every variable of the group. */
  reset(group: string): void {
    // Defaults are consistent with each other; checking one against the others' old values is not.
    for (const d of [...this.defs.values()].filter((x) => x.group === group))
      this.apply(d, d.default, { notify: true, crossCheck: false });
  }

  /** Declared variables, optionally of one group, in declaration order. */
  list(group?: string): CfgVarDef[] {
    return [...this.defs.values()].filter((d) => group === undefined || d.group === group);
  }

  help(group: string, name: string): CfgVarDef {
    return this.def(group, name);
  }

  /**
   * Listen to changes of one variable ("pstn.gw_ip"), one group ("pstn") or everything ("*").
   * Returns the unsubscribe function.
   */
  onChange(scope: string, listener: Listener): () => void {
    let set = this.listeners.get(scope);
    if (!set) {
      set = new Set();
      this.listeners.set(scope, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private def(group: string, name: string): CfgVarDef {
    const d = this.defs.get(`${group}.${name}`);
    if (!d) throw new CfgError(`cfg: unknown variable ${group}.${name}`);
    return d;
  }

  /** The value converted to the variable's type, or the reason it cannot be. */
  private convert(def: CfgVarDef, value: CfgValue): CfgValue | CfgError {
    if (def.type === "string") return typeof value === "number" ? String(value) : value;
    if (typeof value === "number")
      return Number.isInteger(value) ? value : new CfgError("an integer is expected");
    return /^\s*[+-]?\d+\s*$/.test(value)
      ? Number.parseInt(value, 10)
      : new CfgError("an integer is expected");
  }

  private problem(def: CfgVarDef, value: CfgValue, crossCheck: boolean): string | undefined {
    if (def.type === "int") {
      if (typeof value !== "number" || !Number.isInteger(value)) return "an integer is expected";
      if (def.min !== undefined && value < def.min) return `must be >= ${def.min}`;
      if (def.max !== undefined && value > def.max) return `must be <= ${def.max}`;
    } else if (typeof value !== "string") return "a string is expected";
    return crossCheck ? def.validate?.(value, this) : undefined;
  }

  private apply(def: CfgVarDef, input: CfgValue, opts = { notify: true, crossCheck: true }): void {
    const key = `${def.group}.${def.name}`;
    const value = this.convert(def, input);
    if (value instanceof CfgError) throw new CfgError(`${key}: ${value.message}`);
    const problem = this.problem(def, value, opts.crossCheck);
    if (problem) throw new CfgError(`${key}: ${problem}`);
    const old = this.values.get(key) as CfgValue;
    this.values.set(key, value);
    if (!opts.notify || old === value) return;
    const change = { group: def.group, name: def.name, value, old };
    for (const scope of [key, def.group, "*"]) for (const l of this.listeners.get(scope) ?? []) l(change);
  }
}
