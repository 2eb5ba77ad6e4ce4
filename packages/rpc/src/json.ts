/**
 * JSON text <-> values for the JSON-RPC codec.
 *
 * parseJson is a strict RFC 8259 parser that differs from JSON.parse in one way: a member name repeated inside
 * one object keeps every value (see values.ts), because Kamailio's permissions.trustedDump sends such objects.
 * stringifyJson writes RpcStruct members in order (repeats included), Dates in Kamailio's time format and
 * bytes as base64 strings.
 */
import { addMember, bytesToBase64, formatRpcDate, isBytes, RpcStruct } from "./values.ts";

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    public position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = "JsonSyntaxError";
  }
}

const MAX_DEPTH = 512;

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  value(depth: number): unknown {
    this.ws();
    const c = this.s[this.pos];
    switch (c) {
      case "{":
        return this.object(depth + 1);
      case "[":
        return this.array(depth + 1);
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.number();
        return this.fail(
          c === undefined ? "unexpected end of JSON" : `unexpected character ${JSON.stringify(c)}`,
        );
    }
  }

  literal(word: string, value: unknown): unknown {
    if (!this.s.startsWith(word, this.pos)) this.fail("invalid literal");
    this.pos += word.length;
    return value;
  }

  number(): number {
    const s = this.s;
    const start = this.pos;
    const digits = () => {
      const from = this.pos;
      while (s.charCodeAt(this.pos) >= 0x30 && s.charCodeAt(this.pos) <= 0x39) this.pos++;
      return this.pos - from;
    };
    if (s[this.pos] === "-") this.pos++;
    if (s[this.pos] === "0") this.pos++;
    else if (digits() === 0) this.fail("invalid number");
    if (s[this.pos] === ".") {
      this.pos++;
      if (digits() === 0) this.fail("invalid number fraction");
    }
    if (s[this.pos] === "e" || s[this.pos] === "E") {
      this.pos++;
      if (s[this.pos] === "+" || s[this.pos] === "-") this.pos++;
      if (digits() === 0) this.fail("invalid number exponent");
    }
    return Number(s.slice(start, this.pos));
  }

  string(): string {
    const s = this.s;
    this.pos++; // opening quote
    let out = "";
    let chunkStart = this.pos;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c === 0x22) {
        out += s.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("control character in string");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(chunkStart, this.pos);
      const e = s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = s.slice(this.pos, this.pos + 4);
          if (hex.length !== 4 || !/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 2;
          this.fail("invalid escape");
      }
      chunkStart = this.pos;
    }
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.s[this.pos++];
      if (c === "]") return out;
      if (c !== ",") {
        this.pos--;
        this.fail("expected , or ]");
      }
    }
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail("expected member name");
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ":") this.fail("expected :");
      this.pos++;
      addMember(out, key, this.value(depth));
      this.ws();
      const c = this.s[this.pos++];
      if (c === "}") return out;
      if (c !== ",") {
        this.pos--;
        this.fail("expected , or }");
      }
    }
  }
}

/** Parses JSON text; repeated member names keep all their values (valuesOf / duplicateKeysOf in values.ts). */
export function parseJson(text: string): unknown {
  const p = new Parser(text);
  const value = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail("unexpected data after JSON value");
  return value;
}

/** Serializes a result value. `undefined` members are skipped and `undefined` array items become null. */
export function stringifyJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError("value nested too deep to serialize");
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return "null"; // undefined, functions, symbols
  }
  if (value === null) return "null";
  if (value instanceof Date) return JSON.stringify(formatRpcDate(value));
  if (isBytes(value)) return JSON.stringify(bytesToBase64(value));
  if (Array.isArray(value)) return `[${value.map((v) => write(v, depth + 1)).join(",")}]`;
  if (value instanceof RpcStruct) return members(value.members, depth);
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === "function") return write(toJSON.call(value), depth + 1);
  return members(Object.entries(value), depth);
}

function members(entries: Array<[string, unknown]>, depth: number): string {
  const parts: string[] = [];
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${write(v, depth + 1)}`);
  }
  return `{${parts.join(",")}}`;
}
