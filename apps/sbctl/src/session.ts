/**
 * What one sbctl run needs, opened only when a command asks for it: the config, the database (found the way
 * sipd finds it: config database.url / DATABASE_URL, else the lifecycle's MariaDB) and the RPC node.
 */
import { type Config, loadConfig } from "@switchboard/config";
import { createDb, type Db, type DbHandle } from "@switchboard/db";
import { ensureDatabase } from "@switchboard/db/lifecycle";
import { createRpcClient, type RpcClient, type RpcNode } from "@switchboard/rpc/client";
import { RpcClientError, RpcMethodNotFoundError, RpcUnreachableError } from "@switchboard/rpc/errors";
import { type GlobalOptions, resolveNode } from "./args.ts";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

/** What happened to the reload (or cache drop) sent after a database edit. */
export interface NodeOutcome {
  method: string;
  status: "ok" | "unreachable" | "absent";
  result?: unknown;
}

export class Session {
  #config?: Config;
  #node?: RpcNode;
  #rpc?: RpcClient;
  #db?: Promise<{ handle: DbHandle; stop(): Promise<void> }>;

  constructor(
    readonly opts: GlobalOptions,
    readonly io: Io,
  ) {}

  get config(): Config {
    this.#config ??= loadConfig({ env: this.io.env, file: this.opts.config });
    return this.#config;
  }

  get node(): RpcNode {
    this.#node ??= resolveNode(this.opts, this.io.env, () => this.config);
    return this.#node;
  }

  get rpc(): RpcClient {
    this.#rpc ??= createRpcClient(this.node);
    return this.#rpc;
  }

  async db(): Promise<Db> {
    this.#db ??= ensureDatabase({ url: this.config.database.url }).then((found) => ({
      handle: createDb(found.url, { connectionLimit: 1 }),
      stop: found.stop,
    }));
    return (await this.#db).handle.db;
  }

  warn(text: string): void {
    this.io.stderr(`warning: ${text}`);
  }

  /**
   * Tells the node about a database edit (reload / cache drop). The edit stands either way: a node that is down
   * reads the table when it starts, so that is a warning; so is a node without the command, unless `absentOk`
   * (Kamailio reads dbaliases and subscriber live and has no alias_db.reload or subscriber.invalidate).
   * A node that answers with a fault, refuses us or times out is an error: it keeps serving stale data.
   */
  async notify(method: string, params: unknown[] = [], absentOk = false): Promise<NodeOutcome> {
    try {
      return { method, status: "ok", result: await this.rpc.callRaw(method, params) };
    } catch (e) {
      if (e instanceof RpcUnreachableError) {
        this.warn(`${e.message}; ${method} not sent (the database is updated)`);
        return { method, status: "unreachable" };
      }
      if (e instanceof RpcMethodNotFoundError) {
        if (!absentOk) this.warn(`${e.message} (the database is updated)`);
        return { method, status: "absent" };
      }
      if (e instanceof RpcClientError)
        throw new Error(`the database is updated, but ${method} failed: ${e.message}`);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (!this.#db) return;
    const db = await this.#db.catch(() => undefined);
    if (!db) return;
    await db.handle.close();
    await db.stop();
  }
}

/** One line for any failure: driver messages instead of drizzle's "Failed query: ... params: ..." (which holds passwords). */
export function describeError(e: unknown): string {
  const err = e as Error & { cause?: { sqlMessage?: string; message?: string } };
  const failedQuery = typeof err?.message === "string" && err.message.startsWith("Failed query");
  const text = failedQuery
    ? `database: ${err.cause?.sqlMessage ?? err.cause?.message ?? "query failed"}`
    : (err?.message ?? String(e));
  return text.replace(/\s*\n\s*/g, " ");
}

/** True when a query failed on a unique key (drizzle wraps the mysql2 error in `cause`). */
export function isDuplicateKey(e: unknown): boolean {
  return (e as { cause?: { code?: string } }).cause?.code === "ER_DUP_ENTRY";
}
