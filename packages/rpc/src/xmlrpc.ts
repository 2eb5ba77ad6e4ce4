/**
 * XML-RPC codec (http://xmlrpc.com/spec.md) in Kamailio's dialect (src/modules/xmlrpc):
 * - types both ways: int/i4 (i8 read), double, string (an untyped <value> is a string), boolean,
 *   dateTime.iso8601, base64, nil, struct, array;
 * - answers look like Kamailio's: `<value>` lines as in its methodResponse, integers as <int>, dates as
 *   "%Y%m%dT%H:%M:%S" UTC, "\r" written as &#13;, a result-less command answers <boolean>1</boolean>
 *   (an empty array for array methods), faults are <fault> with faultCode/faultString and HTTP 200;
 * - a struct member name that repeats keeps all its values (values.ts).
 * XML is read with the sax parser in strict mode (no DTD/entity expansion), never with regular expressions.
 */
import sax from "sax";
import { type DispatchOptions, dispatchCall } from "./dispatch.ts";
import type { RpcContext, RpcParams, RpcRegistry } from "./registry.ts";
import { addMember, bytesToBase64, formatRpcDate, isBytes, parseRpcDate, RpcStruct } from "./values.ts";

export class XmlRpcFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlRpcFormatError";
  }
}

interface XNode {
  name: string;
  children: XNode[];
  text: string;
}

const MAX_DEPTH = 256;

/** A small element tree from sax events; element names without namespace prefix (so <ex:nil/> is "nil"). */
function parseTree(text: string): XNode {
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  const root: XNode = { name: "#document", children: [], text: "" };
  const stack: XNode[] = [root];
  parser.onerror = (err) => {
    throw new XmlRpcFormatError(`malformed XML: ${err.message.split("\n")[0]}`);
  };
  parser.onopentag = (tag) => {
    if (stack.length > MAX_DEPTH) throw new XmlRpcFormatError("XML nested too deep");
    const colon = tag.name.indexOf(":");
    const node: XNode = { name: colon >= 0 ? tag.name.slice(colon + 1) : tag.name, children: [], text: "" };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (t) => {
    stack[stack.length - 1].text += t;
  };
  parser.oncdata = (t) => {
    stack[stack.length - 1].text += t;
  };
  parser.write(text).close();
  const [doc, ...rest] = root.children;
  if (!doc || rest.length > 0) throw new XmlRpcFormatError("XML document needs exactly one root element");
  return doc;
}

function only(node: XNode, name: string): XNode {
  const found = node.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new XmlRpcFormatError(`<${node.name}> needs exactly one <${name}>`);
  return found[0];
}

function integer(text: string, type: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new XmlRpcFormatError(`invalid <${type}> value ${JSON.stringify(t)}`);
  return Number(t);
}

function decodeValue(node: XNode, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new XmlRpcFormatError("XML-RPC value nested too deep");
  if (node.children.length === 0) return node.text; // untyped value = string
  if (node.children.length > 1) throw new XmlRpcFormatError("<value> holds more than one type element");
  const typed = node.children[0];
  const text = typed.text;
  switch (typed.name) {
    case "int":
    case "i4":
    case "i8":
      return integer(text, typed.name);
    case "double": {
      const n = Number(text.trim());
      if (text.trim() === "" || Number.isNaN(n)) throw new XmlRpcFormatError(`invalid <double> value`);
      return n;
    }
    case "boolean": {
      const t = text.trim();
      if (t === "1" || t === "true") return true;
      if (t === "0" || t === "false") return false;
      throw new XmlRpcFormatError(`invalid <boolean> value ${JSON.stringify(t)}`);
    }
    case "string":
      return text;
    case "dateTime.iso8601": {
      const d = parseRpcDate(text);
      if (!d) throw new XmlRpcFormatError(`invalid <dateTime.iso8601> value ${JSON.stringify(text.trim())}`);
      return d;
    }
    case "base64":
      return Buffer.from(text.replace(/\s+/g, ""), "base64");
    case "nil":
      return null;
    case "array":
      return only(typed, "data")
        .children.filter((c) => c.name === "value")
        .map((v) => decodeValue(v, depth + 1));
    case "struct": {
      const out: Record<string, unknown> = {};
      for (const member of typed.children) {
        if (member.name !== "member") continue;
        addMember(out, only(member, "name").text, decodeValue(only(member, "value"), depth + 1));
      }
      return out;
    }
    default:
      throw new XmlRpcFormatError(`unsupported XML-RPC type <${typed.name}>`);
  }
}

function decodeParams(parent: XNode): unknown[] {
  const params = parent.children.find((c) => c.name === "params");
  if (!params) return [];
  return params.children.filter((c) => c.name === "param").map((p) => decodeValue(only(p, "value")));
}

export interface XmlRpcCall {
  method: string;
  params: RpcParams;
}

/** Reads a <methodCall>. Throws XmlRpcFormatError. */
export function parseXmlRpcCall(text: string): XmlRpcCall {
  const doc = parseTree(text);
  if (doc.name !== "methodCall") throw new XmlRpcFormatError("expected <methodCall>");
  const method = only(doc, "methodName").text.trim();
  if (!method) throw new XmlRpcFormatError("empty <methodName>");
  return { method, params: decodeParams(doc) };
}

export type XmlRpcResponse = { ok: true; result: unknown } | { ok: false; code: number; message: string };

/** Reads a <methodResponse> (result or fault). Throws XmlRpcFormatError. */
export function parseXmlRpcResponse(text: string): XmlRpcResponse {
  const doc = parseTree(text);
  if (doc.name !== "methodResponse") throw new XmlRpcFormatError("expected <methodResponse>");
  const fault = doc.children.find((c) => c.name === "fault");
  if (fault) {
    const value = decodeValue(only(fault, "value")) as Record<string, unknown> | null;
    if (value === null || typeof value !== "object")
      throw new XmlRpcFormatError("<fault> value is not a struct");
    return { ok: false, code: Number(value.faultCode), message: String(value.faultString ?? "") };
  }
  const [result = null] = decodeParams(doc);
  return { ok: true, result };
}

// --- writing -------------------------------------------------------------------------------------------

/** Characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/FFFF) become U+FFFD. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML_CHAR, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

function encodeInner(v: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError("value nested too deep to serialize");
  switch (typeof v) {
    case "string":
      return `<string>${escapeXml(v)}</string>`;
    case "number":
      return Number.isInteger(v) ? `<int>${v}</int>` : `<double>${v}</double>`;
    case "bigint":
      return `<int>${v}</int>`;
    case "boolean":
      return `<boolean>${v ? 1 : 0}</boolean>`;
    case "object":
      break;
    default:
      return "<nil/>"; // undefined
  }
  if (v === null) return "<nil/>";
  if (v instanceof Date) return `<dateTime.iso8601>${formatRpcDate(v)}</dateTime.iso8601>`;
  if (isBytes(v)) return `<base64>${bytesToBase64(v)}</base64>`;
  if (Array.isArray(v))
    return `<array><data>${v.map((x) => encodeValue(x, depth + 1)).join("")}</data></array>`;
  const toJSON = (v as { toJSON?: () => unknown }).toJSON;
  if (!(v instanceof RpcStruct) && typeof toJSON === "function")
    return encodeInner(toJSON.call(v), depth + 1);
  const entries = v instanceof RpcStruct ? v.members : Object.entries(v);
  const members = entries
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `<member><name>${escapeXml(k)}</name>${encodeValue(x, depth + 1)}</member>`);
  return `<struct>${members.join("")}</struct>`;
}

function encodeValue(v: unknown, depth: number): string {
  return `<value>${encodeInner(v, depth)}</value>`;
}

/** The <value> of a methodResponse/fault, laid out as Kamailio writes it ("<value>…\n</value>"). */
function topValue(v: unknown): string {
  return `<value>${encodeInner(v, 0)}\n</value>`;
}

const XML_DECL = '<?xml version="1.0"?>\n';

export function serializeXmlRpcResponse(result: unknown): string {
  return `${XML_DECL}<methodResponse>\n<params>\n<param>\n${topValue(result)}\n</param>\n</params>\n</methodResponse>`;
}

export function serializeXmlRpcFault(code: number, message: string): string {
  const fault = topValue({ faultCode: code, faultString: message });
  return `${XML_DECL}<methodResponse>\n<fault>\n${fault}\n</fault>\n</methodResponse>`;
}

export function serializeXmlRpcCall(method: string, params: RpcParams = []): string {
  const ps = params.map((p) => `<param>${encodeValue(p, 0)}</param>\n`).join("");
  return `${XML_DECL}<methodCall>\n<methodName>${escapeXml(method)}</methodName>\n<params>\n${ps}</params>\n</methodCall>`;
}

/** Fault for a request body that is not a usable <methodCall>. */
export const XMLRPC_BAD_REQUEST = { code: 400, message: "Invalid XML-RPC Document" } as const;

/** Executes an XML-RPC call against the registry: the whole server side of the codec (always HTTP 200). */
export async function handleXmlRpc(
  registry: RpcRegistry,
  text: string,
  source: string,
  opts: DispatchOptions & { onCall?: (method: string, code?: number) => void } = {},
): Promise<{ status: number; body: string }> {
  let call: XmlRpcCall;
  try {
    call = parseXmlRpcCall(text);
  } catch (e) {
    if (!(e instanceof XmlRpcFormatError)) throw e;
    const body = serializeXmlRpcFault(XMLRPC_BAD_REQUEST.code, `${XMLRPC_BAD_REQUEST.message}: ${e.message}`);
    return { status: 200, body };
  }
  const ctx: RpcContext = { source, protocol: "xmlrpc" };
  const out = await dispatchCall(registry, call.method, call.params, ctx, opts);
  opts.onCall?.(call.method, out.ok ? undefined : out.code);
  if (!out.ok) return { status: 200, body: serializeXmlRpcFault(out.code, out.message) };
  const result = out.empty ? (out.returnsArray ? [] : true) : out.result;
  return { status: 200, body: serializeXmlRpcResponse(result) };
}
