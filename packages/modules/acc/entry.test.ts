import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACC_WIDTHS,
  accTargets,
  buildAccRow,
  FLT_ACC,
  FLT_ACCFAILED,
  FLT_ACCMISSED,
  flagMask,
} from "./entry.ts";

const INVITE_FLAGS = flagMask(FLT_ACC); // request_route: setflag(FLT_ACC) on INVITE
const INVITE_VIA_USRLOC = flagMask(FLT_ACC, FLT_ACCMISSED); // route[LOCATION] adds FLT_ACCMISSED
const BYE_FLAGS = flagMask(FLT_ACC, FLT_ACCFAILED); // route[WITHINDLG] on BYE

test("flag masks use Kamailio's bit positions", () => {
  assert.equal(flagMask(FLT_ACC), 0b10);
  assert.equal(flagMask(FLT_ACC, FLT_ACCMISSED, FLT_ACCFAILED), 0b1110);
});

test("an answered INVITE goes to acc only", () => {
  assert.deepEqual(accTargets("INVITE", 200, INVITE_VIA_USRLOC), ["acc"]);
});

test("a busy, cancelled or timed-out INVITE routed via usrloc goes to missed_calls only", () => {
  for (const code of [486, 487, 408, 404, 603])
    assert.deepEqual(accTargets("INVITE", code, INVITE_VIA_USRLOC), ["missed_calls"], String(code));
});

test("a failed INVITE without FLT_ACCMISSED (e.g. to PSTN) is not accounted", () => {
  assert.deepEqual(accTargets("INVITE", 503, INVITE_FLAGS), []);
});

test("FLT_ACCFAILED on INVITE writes the failure to acc as well", () => {
  assert.deepEqual(accTargets("INVITE", 486, flagMask(FLT_ACC, FLT_ACCFAILED, FLT_ACCMISSED)), [
    "acc",
    "missed_calls",
  ]);
});

test("BYE is accounted whatever its final reply", () => {
  assert.deepEqual(accTargets("BYE", 200, BYE_FLAGS), ["acc"]);
  assert.deepEqual(accTargets("BYE", 481, BYE_FLAGS), ["acc"]);
});

test("provisional replies, CANCEL, ACK and unflagged requests are not accounted", () => {
  assert.deepEqual(accTargets("INVITE", 180, INVITE_VIA_USRLOC), []);
  assert.deepEqual(accTargets("CANCEL", 200, BYE_FLAGS), []);
  assert.deepEqual(accTargets("ACK", 200, BYE_FLAGS), []);
  assert.deepEqual(accTargets("MESSAGE", 200, 0), []);
});

test("buildAccRow cuts every value to its column width and formats the time as local DATETIME", () => {
  const long = "x".repeat(400);
  const row = buildAccRow({
    method: "INVITE",
    fromTag: long,
    toTag: "tt",
    callid: long,
    code: 200,
    reason: long,
    time: new Date(2026, 0, 2, 3, 4, 5, 678),
    srcUser: long,
    srcDomain: long,
    srcIp: "192.0.2.1",
    dstOuser: long,
    dstUser: long,
    dstDomain: long,
  });
  assert.equal(row.callid.length, ACC_WIDTHS.callid);
  assert.equal(row.fromTag.length, ACC_WIDTHS.fromTag);
  assert.equal(row.sipReason.length, ACC_WIDTHS.sipReason);
  assert.equal(row.srcUser.length, ACC_WIDTHS.srcUser);
  assert.equal(row.dstDomain.length, ACC_WIDTHS.dstDomain);
  assert.equal(row.sipCode, "200");
  assert.equal(row.time, "2026-01-02 03:04:05");
  assert.equal(row.toTag, "tt");
});

test("buildAccRow leaves missing extras empty, like Kamailio for unset pseudo-variables", () => {
  const row = buildAccRow({
    method: "BYE",
    fromTag: "a",
    toTag: "b",
    callid: "c",
    code: "200",
    reason: "OK",
  });
  assert.equal(row.srcUser, "");
  assert.equal(row.dstDomain, "");
  assert.match(row.time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});
