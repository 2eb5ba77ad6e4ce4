import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonSyntaxError, parseJson, stringifyJson } from "./json.ts";
import { duplicateKeysOf, RpcStruct, valuesOf } from "./values.ts";

describe("parseJson", () => {
  it("reads every JSON value like JSON.parse", () => {
    const samples = [
      "0",
      "-0.5e+3",
      "1E2",
      "123456789012",
      '"plain"',
      '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
      '"naïve ☎ 😀"',
      "true",
      "false",
      "null",
      "[]",
      "{}",
      ' { "a" : [ 1 , { "b" : null } , "x" ] , "c" : { } } ',
      '[[[[["deep"]]]]]',
    ];
    for (const s of samples) assert.deepEqual(parseJson(s), JSON.parse(s), s);
  });

  it("rejects what JSON.parse rejects", () => {
    for (const s of [
      "",
      "01",
      "1.",
      ".5",
      "[1,]",
      '{"a":1,}',
      "{a:1}",
      "'x'",
      '"\t"',
      '"\\x"',
      "[1 2]",
      "tru",
      "1 2",
      '"abc',
    ])
      assert.throws(() => parseJson(s), JsonSyntaxError, JSON.stringify(s));
  });

  it("keeps every value of a repeated member name, in order", () => {
    const v = parseJson('{"table":1,"item":{"ip":"a"},"table":2,"item":{"ip":"b"},"x":[1]}') as Record<
      string,
      unknown
    >;
    assert.deepEqual(v.table, [1, 2]);
    assert.deepEqual(valuesOf(v, "item"), [{ ip: "a" }, { ip: "b" }]);
    assert.deepEqual(valuesOf(v, "x"), [[1]]); // an array sent once is one value
    assert.deepEqual(valuesOf(v, "missing"), []);
    assert.deepEqual(duplicateKeysOf(v).sort(), ["item", "table"]);
    assert.deepEqual(parseJson('{"a":1,"a":2,"a":3}'), { a: [1, 2, 3] });
  });

  it("stores a __proto__ member as data, not as the prototype", () => {
    const v = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    assert.throws(() => parseJson("[".repeat(10000) + "]".repeat(10000)), /nesting too deep/);
  });
});

describe("stringifyJson", () => {
  it("writes plain values like JSON.stringify", () => {
    const v = { a: [1, "two", true, null, { b: -1.5 }], c: 'ü\n"' };
    assert.equal(stringifyJson(v), JSON.stringify(v));
  });

  it("writes RpcStruct members in order with repeats, dates in Kamailio's format and bytes as base64", () => {
    const s = new RpcStruct().add("table", 1).add("item", { ip: "a" }).add("table", 2);
    assert.equal(stringifyJson(s), '{"table":1,"item":{"ip":"a"},"table":2}');
    assert.equal(stringifyJson(new Date(Date.UTC(2026, 10, 22, 13, 29, 26))), '"20261122T13:29:26"');
    assert.equal(stringifyJson(Buffer.from("hi")), '"aGk="');
  });

  it("skips undefined members and writes undefined array items and non-finite numbers as null", () => {
    assert.equal(stringifyJson({ a: undefined, b: [undefined, Number.NaN] }), '{"b":[null,null]}');
  });
});
