/**
 * The RPC method registry shared by every transport (JSON-RPC 2.0 and XML-RPC over HTTP, JSON-RPC over UDP).
 * A method is written once, with Kamailio's name, and answers on every wire format.
 */

/** Positional params, as Kamailio takes them (JSON-RPC named params are mapped to their values in order). */
export type RpcParams = unknown[];

export interface RpcContext {
  /** Source IP address of the caller (IPv4-mapped IPv6 addresses are reported as IPv4). */
  source: string;
  protocol: "jsonrpc" | "xmlrpc";
}

export interface RpcMethodDef {
  /** Kamailio name, e.g. "dispatcher.reload". */
  name: string;
  /** One-line help, returned by system.methodHelp. */
  doc: string;
  /** Signature text for help, e.g. "group:int, address:str". */
  params?: string;
  /**
   * returnsArray mirrors Kamailio's RET_ARRAY flag: a handler that returns nothing answers `[]` instead of `{}`
   * (JSON-RPC) or an empty array instead of `<boolean>1</boolean>` (XML-RPC).
   */
  flags?: { returnsArray?: boolean };
  handler(params: RpcParams, ctx: RpcContext): unknown | Promise<unknown>;
}

/**
 * A fault raised by a handler. `code` travels as the JSON-RPC error code / XML-RPC faultCode, and (JSON-RPC over
 * HTTP, like Kamailio's jsonrpcs) as the HTTP status when it is a valid one. Kamailio commonly uses 400 for bad
 * params, 404 for "not found" and 500 for everything else.
 */
export class RpcError extends Error {
  constructor(
    public code: number,
    message: string,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

export class RpcRegistry {
  private readonly methods = new Map<string, RpcMethodDef>();

  register(def: RpcMethodDef): void {
    if (!def.name) throw new Error("RPC method needs a name");
    if (this.methods.has(def.name)) throw new Error(`RPC method already registered: ${def.name}`);
    this.methods.set(def.name, def);
  }

  get(name: string): RpcMethodDef | undefined {
    return this.methods.get(name);
  }

  /** Method names in registration order (Kamailio lists its commands in registration order too). */
  list(): string[] {
    return [...this.methods.keys()];
  }
}

/**
 * Kamailio's introspection commands (src/core/core_cmd.c), with the same answers:
 * system.listMethods -> every name; system.methodHelp name -> doc string ("undocumented" when empty),
 * faults 400 "Method Name Expected" / 400 "command not found"; system.methodSignature -> fault 500 "Not Implemented Yet".
 */
export function registerSystemMethods(registry: RpcRegistry): void {
  registry.register({
    name: "system.listMethods",
    doc: "Lists all RPC methods supported by the server.",
    flags: { returnsArray: true },
    handler: () => registry.list(),
  });
  registry.register({
    name: "system.methodHelp",
    doc: "Print the help string for given method.",
    params: "method:str",
    handler: ([name]) => {
      if (typeof name !== "string") throw new RpcError(400, "Method Name Expected");
      const def = registry.get(name);
      if (!def) throw new RpcError(400, "command not found");
      return def.doc || "undocumented";
    },
  });
  registry.register({
    name: "system.methodSignature",
    doc: "Returns signature of given method.",
    params: "method:str",
    handler: () => {
      throw new RpcError(500, "Not Implemented Yet");
    },
  });
}
