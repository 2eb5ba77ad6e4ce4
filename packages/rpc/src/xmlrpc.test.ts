import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { RpcRegistry } from "./registry.ts";
import { RpcStruct, valuesOf } from "./values.ts";
import {
  handleXmlRpc,
  parseXmlRpcCall,
  parseXmlRpcResponse,
  serializeXmlRpcCall,
  serializeXmlRpcFault,
  serializeXmlRpcResponse,
  XmlRpcFormatError,
} from "./xmlrpc.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const call = (inner: string) =>
  `<?xml version="1.0"?><methodCall><methodName>t.m</methodName><params><param><value>${inner}</value></param></params></methodCall>`;
const param = (inner: string) => parseXmlRpcCall(call(inner)).params[0];

describe("XML-RPC codec", () => {
  it("round-trips every type through a methodCall", () => {
    const params = [
      42,
      -7,
      4294967295,
      2.5,
      "text with <&> ]]> \r\n and ☎",
      "",
      true,
      false,
      new Date(Date.UTC(2026, 10, 22, 13, 29, 26)),
      Buffer.from([0, 1, 2, 254, 255]),
      null,
      [1, "a", [2, []]],
      { a: 1, nested: { b: [true] }, "odd <name>": "x" },
      {},
    ];
    const back = parseXmlRpcCall(serializeXmlRpcCall("core.echo", params));
    assert.equal(back.method, "core.echo");
    assert.deepEqual(back.params, params);
  });

  it("round-trips a result and a fault through a methodResponse", () => {
    const result = {
      NRSETS: 1,
      RECORDS: [{ SET: { ID: 1, TARGETS: [{ DEST: { URI: "sip:a", FLAGS: "AX" } }] } }],
    };
    assert.deepEqual(parseXmlRpcResponse(serializeXmlRpcResponse(result)), { ok: true, result });
    assert.deepEqual(parseXmlRpcResponse(serializeXmlRpcFault(404, "AOR not found")), {
      ok: false,
      code: 404,
      message: "AOR not found",
    });
  });

  it("reads int, i4, i8, untyped values (strings), nil in any namespace and both date forms", () => {
    assert.equal(param("<i4>12</i4>"), 12);
    assert.equal(param("<int> -3 </int>"), -3);
    assert.equal(param("<i8>9007199254740991</i8>"), 9007199254740991);
    assert.equal(param("  untyped  "), "  untyped  ");
    assert.equal(param(""), "");
    assert.equal(param("<string/>"), "");
    assert.equal(param("<nil/>"), null);
    assert.equal(param('<ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/>'), null);
    assert.deepEqual(
      param("<dateTime.iso8601>20261122T13:29:26</dateTime.iso8601>"),
      new Date("2026-11-22T13:29:26Z"),
    );
    assert.deepEqual(
      param("<dateTime.iso8601>2026-11-22T14:29:26+01:00</dateTime.iso8601>"),
      new Date("2026-11-22T13:29:26Z"),
    );
    assert.deepEqual(param("<base64>aG\n  k=</base64>"), Buffer.from("hi"));
    assert.equal(param("<string><![CDATA[<raw & text>]]></string>"), "<raw & text>");
    assert.equal(param("<string>a&#13;b&#x263A;</string>"), "a\rb☺");
  });

  it("keeps every value of a repeated struct member", () => {
    const v = param(
      "<struct><member><name>table</name><value><int>3</int></value></member><member><name>table</name><value><int>9</int></value></member></struct>",
    );
    assert.deepEqual(valuesOf(v, "table"), [3, 9]);
  });

  it("writes RpcStruct repeats as repeated members", () => {
    const xml = serializeXmlRpcResponse(new RpcStruct().add("k", 1).add("k", 2));
    const back = parseXmlRpcResponse(xml);
    assert.ok(back.ok);
    assert.deepEqual(valuesOf(back.result, "k"), [1, 2]);
  });

  it("writes a methodResponse byte for byte like Kamailio 5.6 (core.version)", () => {
    assert.equal(serializeXmlRpcResponse("kamailio 5.6.3 (x86_64/linux) "), fixture("core.version.xml"));
  });

  it("rejects malformed XML, unknown types, bad scalars, entity tricks and missing parts", () => {
    const bad = [
      "not xml",
      "<methodCall><methodName>x</methodName>",
      "<methodCall><methodName>x</methodName></methodCall><extra/>",
      '<!DOCTYPE d [<!ENTITY e "boom">]><methodCall><methodName>&e;</methodName></methodCall>',
      "<methodCall></methodCall>",
      "<methodCall><methodName> </methodName></methodCall>",
      "<methodResponse><params/></methodResponse>".replace("methodResponse", "notRpc"),
      call("<int>1.5</int>"),
      call("<boolean>yes</boolean>"),
      call("<double>abc</double>"),
      call("<dateTime.iso8601>yesterday</dateTime.iso8601>"),
      call("<blob>x</blob>"),
      call("<int>1</int><int>2</int>"),
      call("<struct><member><value><int>1</int></value></member></struct>"),
    ];
    for (const b of bad) assert.throws(() => parseXmlRpcCall(b), XmlRpcFormatError, b);
  });

  it("answers a request it cannot read with fault 400, HTTP 200", async () => {
    const out = await handleXmlRpc(new RpcRegistry(), "<methodCall>", "127.0.0.1");
    assert.equal(out.status, 200);
    const parsed = parseXmlRpcResponse(out.body);
    assert.equal(parsed.ok, false);
    assert.equal(!parsed.ok && parsed.code, 400);
  });

  it("answers a result-less command with <boolean>1</boolean> and a result-less array command with an empty array", async () => {
    const reg = new RpcRegistry();
    reg.register({ name: "x.none", doc: "", handler: () => undefined });
    reg.register({ name: "x.list", doc: "", flags: { returnsArray: true }, handler: () => undefined });
    const none = await handleXmlRpc(reg, serializeXmlRpcCall("x.none"), "127.0.0.1");
    assert.match(none.body, /<value><boolean>1<\/boolean>/);
    assert.deepEqual(
      parseXmlRpcResponse((await handleXmlRpc(reg, serializeXmlRpcCall("x.list"), "127.0.0.1")).body),
      {
        ok: true,
        result: [],
      },
    );
  });
});
