/**
 * An ordered `;name[=value]` parameter list (URI params, header params, Via params).
 * Names keep the case they arrived with (minimal churn when relayed) but compare
 * case-insensitively (RFC 3261 §7.3.1, §19.1.4). A value of `null` means the parameter
 * has no value (`;lr`, `;rport`).
 */
export class Params {
  constructor(readonly list: Array<[string, string | null]> = []) {}

  private indexOf(name: string): number {
    const lower = name.toLowerCase();
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const n = list[i][0];
      if (n === lower || (n.length === lower.length && n.toLowerCase() === lower)) return i;
    }
    return -1;
  }

  /** `undefined` when absent, `null` when present without a value. */
  get(name: string): string | null | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.list[i][1];
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** Replaces the value in place (keeping position) or appends. */
  set(name: string, value: string | null = null): this {
    const i = this.indexOf(name);
    if (i < 0) this.list.push([name, value]);
    else this.list[i][1] = value;
    return this;
  }

  delete(name: string): boolean {
    const i = this.indexOf(name);
    if (i < 0) return false;
    this.list.splice(i, 1);
    return true;
  }

  get size(): number {
    return this.list.length;
  }

  clone(): Params {
    return new Params(this.list.map(([n, v]) => [n, v]));
  }

  /** `;a=b;c` (empty string for no parameters). */
  toString(): string {
    let s = "";
    for (const [n, v] of this.list) s += v === null ? `;${n}` : `;${n}=${v}`;
    return s;
  }
}
