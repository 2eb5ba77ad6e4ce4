/**
 * JSON-RPC 2.0 codec (https://www.jsonrpc.org/specification) in Kamailio's jsonrpcs dialect:
 * - members in Kamailio's order: {"jsonrpc":"2.0","result"|"error":…,"id":…}; "id" is echoed, omitted when absent;
 * - faults are {"code":<fault code>,"message":<text>} (unknown method: 500 "Method Not Found", as Kamailio 5.6);
 * - params may be an array, an object (values taken in order, names ignored, as jsonrpcs does) or one
 *   plain value (taken as the only param);
 * - a result-less command answers {} (or [] when the method returns an array).
 * Beyond Kamailio (which takes one request per message): batches (an array of requests) and notifications
 * (requests without "id": executed, no answer) per the JSON-RPC 2.0 spec.
 */
import { type DispatchOptions, dispatchCall } from "./dispatch.ts";
import { JsonSyntaxError, parseJson, stringifyJson } from "./json.ts";
import type { RpcContext, RpcParams, RpcRegistry } from "./registry.ts";

export type JsonRpcId = string | number | null;

export const JSONRPC_ERRORS = {
  parse: { code: -32700, message: "Parse Error" },
  invalidRequest: { code: -32600, message: "Invalid Request" },
} as const;

export interface JsonRpcRequest {
  method: string;
  params: RpcParams;
  /** undefined for a notification (no "id" member). */
  id?: JsonRpcId;
}

export type JsonRpcItem =
  | { ok: true; request: JsonRpcRequest }
  | { ok: false; id: JsonRpcId; code: number; message: string };

export interface ParsedJsonRpc {
  batch: boolean;
  items: JsonRpcItem[];
}

/** Kamailio's params rule, plus "one plain value is one param". */
export function toParams(raw: unknown): RpcParams {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw;
  if (raw !== null && typeof raw === "object") return Object.values(raw);
  return [raw];
}

function isId(v: unknown): v is JsonRpcId {
  return v === null || typeof v === "string" || typeof v === "number";
}

function parseItem(raw: unknown): JsonRpcItem {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, id: null, ...JSONRPC_ERRORS.invalidRequest };
  const obj = raw as Record<string, unknown>;
  const hasId = Object.hasOwn(obj, "id");
  const id = hasId && isId(obj.id) ? obj.id : null;
  if (obj.jsonrpc !== "2.0" || typeof obj.method !== "string" || (hasId && !isId(obj.id)))
    return { ok: false, id, ...JSONRPC_ERRORS.invalidRequest };
  return {
    ok: true,
    request: { method: obj.method, params: toParams(obj.params), id: hasId ? id : undefined },
  };
}

/** Parses a request body: one request or a batch. A syntax error gives one -32700 item. */
export function parseJsonRpcRequest(text: string): ParsedJsonRpc {
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      return { batch: false, items: [{ ok: false, id: null, ...JSONRPC_ERRORS.parse }] };
    throw e;
  }
  if (!Array.isArray(doc)) return { batch: false, items: [parseItem(doc)] };
  if (doc.length === 0)
    return { batch: false, items: [{ ok: false, id: null, ...JSONRPC_ERRORS.invalidRequest }] };
  return { batch: true, items: doc.map(parseItem) };
}

function withId(body: string, id: JsonRpcId | undefined): string {
  return id === undefined
    ? `{"jsonrpc":"2.0",${body}}`
    : `{"jsonrpc":"2.0",${body},"id":${JSON.stringify(id)}}`;
}

export function encodeJsonRpcResult(id: JsonRpcId | undefined, result: unknown): string {
  return withId(`"result":${stringifyJson(result)}`, id);
}

export function encodeJsonRpcError(id: JsonRpcId | undefined, code: number, message: string): string {
  return withId(`"error":${JSON.stringify({ code, message })}`, id);
}

/** Kamailio's jsonrpcs HTTP status for a fault: the fault code when it is a valid HTTP status, else 500. */
export function jsonRpcHttpStatus(code: number): number {
  return Number.isInteger(code) && code >= 200 && code <= 599 ? code : 500;
}

export interface JsonRpcReply {
  status: number;
  /** undefined when nothing is to be sent (only notifications). */
  body?: string;
}

/** Executes a JSON-RPC message against the registry: the whole server side of the codec. */
export async function handleJsonRpc(
  registry: RpcRegistry,
  text: string,
  source: string,
  opts: DispatchOptions & { onCall?: (method: string, code?: number) => void } = {},
): Promise<JsonRpcReply> {
  const parsed = parseJsonRpcRequest(text);
  const ctx: RpcContext = { source, protocol: "jsonrpc" };
  const answers = await Promise.all(
    parsed.items.map(async (item): Promise<{ status: number; body: string } | undefined> => {
      if (!item.ok) return { status: 500, body: encodeJsonRpcError(item.id, item.code, item.message) };
      const { method, params, id } = item.request;
      const out = await dispatchCall(registry, method, params, ctx, opts);
      opts.onCall?.(method, out.ok ? undefined : out.code);
      if (id === undefined) return undefined; // notification: executed, not answered
      if (!out.ok)
        return { status: jsonRpcHttpStatus(out.code), body: encodeJsonRpcError(id, out.code, out.message) };
      const result = out.empty ? (out.returnsArray ? [] : {}) : out.result;
      return { status: 200, body: encodeJsonRpcResult(id, result) };
    }),
  );
  const sent = answers.filter((a) => a !== undefined);
  if (sent.length === 0) return { status: 204 };
  if (!parsed.batch) return sent[0];
  return { status: 200, body: `[${sent.map((a) => a.body).join(",")}]` };
}

/** Client side: a request body. */
export function encodeJsonRpcCall(method: string, params: RpcParams, id: JsonRpcId): string {
  return stringifyJson({ jsonrpc: "2.0", method, params, id });
}

export type JsonRpcResponse = { ok: true; result: unknown } | { ok: false; code: number; message: string };

/**
 * Client side: reads one response (duplicate member names kept, see values.ts). Throws JsonSyntaxError for text
 * that is not JSON and TypeError for JSON that is not a JSON-RPC response.
 */
export function decodeJsonRpcResponse(text: string): JsonRpcResponse {
  const doc = parseJson(text);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new TypeError("not a JSON-RPC response");
  const obj = doc as Record<string, unknown>;
  if (Object.hasOwn(obj, "error")) {
    const err = obj.error as Record<string, unknown> | null;
    if (err === null || typeof err !== "object")
      throw new TypeError("JSON-RPC error member is not an object");
    return {
      ok: false,
      code: typeof err.code === "number" ? err.code : Number(err.code),
      message: typeof err.message === "string" ? err.message : String(err.message ?? ""),
    };
  }
  if (!Object.hasOwn(obj, "result")) throw new TypeError("JSON-RPC response has neither result nor error");
  return { ok: true, result: obj.result };
}
