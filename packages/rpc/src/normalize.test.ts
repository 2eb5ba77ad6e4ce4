import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJson } from "./json.ts";
import {
  isEmptyResult,
  normalizeAddressDump,
  normalizeCfgList,
  normalizeTrustedDump,
  normalizeUlDump,
  parseStats,
} from "./normalize.ts";

describe("normalizers", () => {
  it("parseStats reads get_statistics lines and fetch/fetchn objects into group:name counters", () => {
    assert.deepEqual(
      parseStats(["core:rcv_requests = 42", "shmem:used_size = 123", "garbage", "x:y = nan"]),
      {
        "core:rcv_requests": 42,
        "shmem:used_size": 123,
      },
    );
    assert.deepEqual(
      parseStats({ "core.rcv_requests": "42", "tmx.UAS_transactions": 7, "sl:1xx_replies": "1" }),
      {
        "core:rcv_requests": 42,
        "tmx:UAS_transactions": 7,
        "sl:1xx_replies": 1,
      },
    );
    assert.deepEqual(parseStats(null), {});
  });

  it("normalizeTrustedDump pairs the n-th table with the n-th item, for one entry or many", () => {
    const one = parseJson(
      '{"table":4,"item":{"ip":"192.0.2.1","proto":"udp","pattern":"NULL","ruri_pattern":"NULL","tag":"t","priority":1}}',
    );
    assert.deepEqual(normalizeTrustedDump(one), [
      {
        table: 4,
        ip: "192.0.2.1",
        proto: "udp",
        pattern: "NULL",
        ruri_pattern: "NULL",
        tag: "t",
        priority: 1,
      },
    ]);
    const many = parseJson('{"table":1,"item":{"ip":"a"},"table":2,"item":{"ip":"b"}}');
    assert.deepEqual(
      normalizeTrustedDump(many).map((r) => [r.table, r.ip]),
      [
        [1, "a"],
        [2, "b"],
      ],
    );
    assert.deepEqual(normalizeTrustedDump({}), []);
    assert.deepEqual(normalizeTrustedDump(true), []);
    assert.deepEqual(
      normalizeTrustedDump([{ table: 9, item: { ip: "c" } }]).map((r) => r.ip),
      ["c"],
    );
  });

  it("normalizeAddressDump flattens entries and turns the NULL tag into null", () => {
    assert.deepEqual(
      normalizeAddressDump([
        { table: 1, group: 1, item: { ip: "192.0.2.0", port: 0, tag: "NULL" } },
        { table: 1, group: 2, item: { ip: "198.51.100.1", port: 5060, tag: "gw" } },
        { broken: true },
      ]),
      [
        { table: 1, group: 1, ip: "192.0.2.0", port: 0, tag: null },
        { table: 1, group: 2, ip: "198.51.100.1", port: 5060, tag: "gw" },
      ],
    );
  });

  it("normalizeUlDump reads non-numeric Expires, skips brief AoRs and bad shapes", () => {
    const contact = {
      Address: "sip:a@192.0.2.1",
      Expires: "permanent",
      Q: 0.5,
      Received: "sip:198.51.100.2:5060",
    };
    const dump = {
      Domains: [
        {
          Domain: {
            Domain: "location",
            Size: 8,
            AoRs: [{ AoR: "brief-only" }, { Info: { AoR: "a", Contacts: [{ Contact: contact }] } }],
          },
        },
        { nope: 1 },
      ],
    };
    const [row, ...rest] = normalizeUlDump(dump);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [row.aor, row.expires, row.expiresNote, row.q, row.received, row.hashId],
      ["a", null, "permanent", 0.5, "sip:198.51.100.2:5060", null],
    );
    assert.deepEqual(normalizeUlDump("x"), []);
  });

  it("normalizeCfgList splits 'group: name' lines; isEmptyResult knows both empty answers", () => {
    assert.deepEqual(normalizeCfgList(["core: debug", "tm: fr_timer", "junk"]), [
      { group: "core", name: "debug" },
      { group: "tm", name: "fr_timer" },
    ]);
    assert.equal(isEmptyResult({}), true);
    assert.equal(isEmptyResult(true), true);
    assert.equal(isEmptyResult([]), true);
    assert.equal(isEmptyResult("Reload OK"), false);
    assert.equal(isEmptyResult({ a: 1 }), false);
  });
});
