import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { acc, billingRates, cdrs, missedCalls, sbAudit } from "@switchboard/db";
import { seedDemo } from "@switchboard/db/seed";
import { createTestDatabase, type TestDatabase } from "@switchboard/db/testing";
import { eq } from "drizzle-orm";
import { csvCell, exportCsv, parseExportFilter } from "../accounting/export";
import { callerFor } from "../testing";

const rowsOf = async <T>(t: TestDatabase, q: string): Promise<T[]> => (await t.pool.query(q))[0] as T[];

/** Every page of a list, following hasNext. */
async function allPages<R>(list: (page: number) => Promise<{ rows: R[]; hasNext: boolean }>): Promise<R[]> {
  const out: R[] = [];
  for (let page = 1; page < 1000; page++) {
    const res = await list(page);
    out.push(...res.rows);
    if (!res.hasNext) return out;
  }
  throw new Error("too many pages");
}

describe("on a seeded week of traffic", () => {
  let t: TestDatabase;
  // A fixed end of the week: the assertions below do not depend on when the test runs.
  const now = new Date(2026, 0, 15, 12, 0, 0);
  before(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db, { domain: "test.example", storePlaintext: false, now });
  });
  after(() => t.drop());

  test("acc lists newest first, pages with hasNext, and the pages add up to the table", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const first = await caller.accounting.list({ pageSize: 10 });
    assert.equal(first.rows.length, 10);
    assert.equal(first.hasNext, true);
    const ids = first.rows.map((r) => r.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const [{ n, top }] = await rowsOf<{ n: number; top: number }>(
      t,
      "SELECT COUNT(*) n, MAX(id) top FROM acc",
    );
    assert.equal(ids[0], top);
    const all = await allPages((page) => caller.accounting.list({ page, pageSize: 200 }));
    assert.equal(all.length, Number(n));
    assert.equal(new Set(all.map((r) => r.id)).size, all.length);
  });

  test("acc filters: date range, caller and callee prefixes, code class, method", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const input = {
      from: "2026-01-12T09:00",
      to: "2026-01-13T17:30",
      caller: "al",
      code: "4xx",
      method: "invite",
      pageSize: 200,
    };
    const rows = await allPages((page) => caller.accounting.list({ ...input, page }));
    assert.ok(rows.length > 0, "the seed has failed calls from alice in that window");
    for (const r of rows) {
      assert.ok(r.time >= "2026-01-12 09:00:00" && r.time <= "2026-01-13 17:30:59", r.time);
      assert.ok(r.srcUser.startsWith("al"));
      assert.match(r.sipCode, /^4\d\d$/);
      assert.equal(r.method, "INVITE");
    }
    const [{ n }] = await rowsOf<{ n: number }>(
      t,
      `SELECT COUNT(*) n FROM acc WHERE time BETWEEN '2026-01-12 09:00:00' AND '2026-01-13 17:30:59'
         AND src_user LIKE 'al%' AND sip_code LIKE '4%' AND method = 'INVITE'`,
    );
    assert.equal(rows.length, Number(n));

    // The callee matches the routed user or the dialled one (an alias such as 201 for alice).
    const byAlias = await caller.accounting.list({ callee: "201", pageSize: 200 });
    assert.ok(byAlias.rows.length > 0);
    for (const r of byAlias.rows) assert.ok(r.dstOuser.startsWith("201") || r.dstUser.startsWith("201"));

    const exact = await caller.accounting.list({ code: "486", pageSize: 50 });
    assert.ok(exact.rows.length > 0);
    for (const r of exact.rows) assert.equal(r.sipCode, "486");
  });

  test("missed_calls is listed from its own table, and the search box matches a Call-ID prefix", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const missed = await caller.accounting.list({ table: "missed_calls", pageSize: 5 });
    const [{ top }] = await rowsOf<{ top: number }>(t, "SELECT MAX(id) top FROM missed_calls");
    assert.equal(missed.rows[0].id, top);
    for (const r of missed.rows) assert.notEqual(r.sipCode, "200");
    const callid = missed.rows[0].callid;
    const found = await caller.accounting.list({ table: "missed_calls", search: callid.slice(0, 12) });
    assert.deepEqual(
      found.rows.map((r) => r.callid),
      [callid],
    );
  });

  test("a range ending before it starts is refused on the `to` field", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    await assert.rejects(caller.accounting.list({ from: "2026-01-13", to: "2026-01-12" }), (e: Error) => {
      assert.equal((e as { code?: string }).code, "BAD_REQUEST");
      assert.match(e.message, /end of the range is before its start/);
      return true;
    });
    await assert.rejects(caller.accounting.list({ code: "abc" }), /SIP code/);
  });

  test("cdrs default to newest call first and filter by range, caller, callee, duration and rating", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    const first = await caller.cdrs.list({ pageSize: 20 });
    const times = first.rows.map((r) => r.callStartTime);
    assert.deepEqual(times, [...times].sort().reverse());
    const [{ newest }] = await rowsOf<{ newest: string }>(t, "SELECT MAX(call_start_time) newest FROM cdrs");
    assert.equal(times[0], newest);

    const input = { from: "2026-01-10", to: "2026-01-11", callee: "+44", minDuration: 60, pageSize: 100 };
    const rows = await allPages((page) => caller.cdrs.list({ ...input, page }));
    const [{ n }] = await rowsOf<{ n: number }>(
      t,
      `SELECT COUNT(*) n FROM cdrs WHERE call_start_time BETWEEN '2026-01-10 00:00:00' AND '2026-01-11 23:59:59'
         AND (dst_username LIKE '+44%' OR dst_ousername LIKE '+44%') AND duration >= 60`,
    );
    assert.ok(Number(n) > 0);
    assert.equal(rows.length, Number(n));
    for (const r of rows) assert.ok(r.duration >= 60 && r.dstUsername.startsWith("+44"));

    const byDuration = await caller.cdrs.list({ sort: "duration", dir: "desc", pageSize: 5 });
    const [{ longest }] = await rowsOf<{ longest: number }>(t, "SELECT MAX(duration) longest FROM cdrs");
    assert.equal(byDuration.rows[0].duration, Number(longest));

    const rated = await caller.cdrs.list({ rated: "unrated" });
    assert.equal(rated.rows.length, 0, "the seed rates every CDR");
  });

  test("the CSV export holds the rows the filters select, with column names as the header", async () => {
    const filter = parseExportFilter(
      "cdrs",
      new URLSearchParams({ from: "2026-01-10", to: "2026-01-11", callee: "+44", minDuration: "60" }),
    );
    let text = "";
    for await (const chunk of exportCsv(t.db, "cdrs", filter)) text += chunk;
    const lines = text.trimEnd().split("\r\n");
    assert.equal(lines[0].split(",")[0], "cdr_id");
    assert.ok(lines[0].includes("call_start_time") && lines[0].includes("dst_username"));
    const { caller } = await callerFor(t.db, "viewer");
    const listed = await allPages((page) =>
      caller.cdrs.list({
        from: "2026-01-10",
        to: "2026-01-11",
        callee: "+44",
        minDuration: 60,
        page,
        pageSize: 200,
      }),
    );
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => Number(l.split(",")[0]))
        .sort((a, b) => a - b),
      listed.map((r) => r.id).sort((a, b) => a - b),
    );
  });

  test("the CSV export reads in chunks and stops at the row limit", async () => {
    const filter = parseExportFilter("acc", new URLSearchParams());
    const chunks: string[] = [];
    for await (const chunk of exportCsv(t.db, "acc", filter, { maxRows: 250, chunkRows: 100 }))
      chunks.push(chunk);
    assert.equal(chunks.length, 4, "header, 100 rows, 100 rows, 50 rows");
    const lines = chunks.join("").trimEnd().split("\r\n");
    assert.equal(lines.length, 251);
    const ids = lines.slice(1).map((l) => Number(l.split(",")[0]));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      "oldest first, by id",
    );
    assert.throws(() =>
      parseExportFilter("acc", new URLSearchParams({ from: "2026-01-02", to: "2026-01-01" })),
    );
  });
});

describe("CDR job", () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  async function waitFor(caller: Awaited<ReturnType<typeof callerFor>>["caller"], kind: "generate" | "rate") {
    for (let i = 0; i < 200; i++) {
      const job = await caller.cdrs.job({ kind });
      if (job && job.state !== "running") return job;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("job did not finish");
  }

  test("generate builds CDRs from new acc rows, rates them, reports progress and audits the end", async () => {
    await t.db
      .insert(billingRates)
      .values({ rateGroup: "default", prefix: "+49", rateUnit: 5, timeUnit: 60 });
    const call = (callid: string, from: string, to: string, dst: string) => [
      {
        method: "INVITE",
        callid,
        fromTag: "a",
        toTag: "b",
        sipCode: "200",
        sipReason: "OK",
        time: from,
        srcUser: "alice",
        dstUser: dst,
        dstOuser: dst,
      },
      {
        method: "BYE",
        callid,
        fromTag: "a",
        toTag: "b",
        sipCode: "200",
        sipReason: "OK",
        time: to,
        srcUser: "alice",
        dstUser: dst,
        dstOuser: dst,
      },
    ];
    await t.db.insert(acc).values([
      ...call("c1@x", "2026-02-01 10:00:00", "2026-02-01 10:01:30", "+4930123"),
      ...call("c2@x", "2026-02-01 11:00:00", "2026-02-01 11:00:10", "bob"),
      {
        method: "INVITE",
        callid: "c3@x",
        sipCode: "486",
        sipReason: "Busy Here",
        time: "2026-02-01 12:00:00",
      },
    ]);
    const { caller, ctx } = await callerFor(t.db, "operator");
    const started = await caller.cdrs.startJob({ kind: "generate" });
    assert.equal(started.kind, "generate");
    const job = await waitFor(caller, "generate");
    assert.equal(job.state, "done", job.error ?? "");
    assert.deepEqual(job.result, { examined: 5, cdrs: 2, rated: 1, unmatched: 1, lastAccId: 5 });
    assert.equal(job.done, job.total);
    const made = await t.db.select().from(cdrs).orderBy(cdrs.callStartTime);
    assert.deepEqual(
      made.map((c) => [c.sipCallId, c.duration, c.cost, c.rated]),
      [
        ["c1@x", 90, 10, 1],
        ["c2@x", 10, 0, -1],
      ],
    );
    const audit = await t.db.select().from(sbAudit).where(eq(sbAudit.username, ctx.session!.username));
    assert.deepEqual(
      audit.map((a) => [a.action, a.ok]),
      [
        ["cdrs.startJob", true],
        ["cdrs.job:generate", true],
      ],
    );
    assert.match(audit[1].details ?? "", /"cdrs":2/);
  });

  test("rating again with a changed rate recomputes every CDR's cost", async () => {
    await t.db.update(billingRates).set({ rateUnit: 7 }).where(eq(billingRates.prefix, "+49"));
    const { caller } = await callerFor(t.db, "operator");
    await caller.cdrs.startJob({ kind: "rate", all: true });
    const job = await waitFor(caller, "rate");
    assert.equal(job.state, "done", job.error ?? "");
    assert.deepEqual(job.result, { examined: 2, rated: 1, unmatched: 1 });
    const [c1] = await t.db.select().from(cdrs).where(eq(cdrs.sipCallId, "c1@x"));
    assert.equal(c1.cost, 14);
  });

  test("a viewer may watch the job but not start one", async () => {
    const { caller } = await callerFor(t.db, "viewer");
    assert.equal((await caller.cdrs.job({ kind: "generate" }))?.state, "done");
    await assert.rejects(caller.cdrs.startJob({ kind: "generate" }), /needs the operator role/);
  });
});

describe("billing rates", () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  test("admins create, edit and delete rates; a duplicate prefix in a group is a field error", async () => {
    const { caller } = await callerFor(t.db, "admin");
    const { id } = await caller.billing.create({
      rateGroup: "default",
      prefix: "+44",
      rateUnit: 4,
      timeUnit: 60,
    });
    await caller.billing.create({ rateGroup: "premium", prefix: "+44", rateUnit: 8, timeUnit: 30 });
    await assert.rejects(
      caller.billing.create({ rateGroup: "default", prefix: "+44", rateUnit: 1, timeUnit: 1 }),
      (e: { code: string; message: string }) => {
        assert.equal(e.code, "CONFLICT");
        assert.equal(e.message, 'rate group default already has prefix "+44"');
        return true;
      },
    );
    await caller.billing.update({ id, rateGroup: "default", prefix: "+4420", rateUnit: 3, timeUnit: 60 });
    const list = await caller.billing.list({ rateGroup: "default" });
    assert.deepEqual(
      list.rows.map((r) => [r.prefix, r.rateUnit]),
      [["+4420", 3]],
    );
    assert.deepEqual(await caller.billing.groups(), ["default", "premium"]);
    const search = await caller.billing.list({ search: "+44", sort: "rateGroup", dir: "desc" });
    assert.deepEqual(
      search.rows.map((r) => r.rateGroup),
      ["premium", "default"],
    );
    assert.deepEqual(await caller.billing.delete({ ids: [id] }), { deleted: 1 });
  });

  test("rates are validated and only admins may change them", async () => {
    const { caller } = await callerFor(t.db, "admin");
    await assert.rejects(
      caller.billing.create({ rateGroup: "", prefix: "4 4", rateUnit: -1, timeUnit: 1.5 }),
      (e: { cause: { issues: { path: string[] }[] } }) => {
        assert.deepEqual(e.cause.issues.map((i) => i.path.join(".")).sort(), [
          "prefix",
          "rateGroup",
          "rateUnit",
          "timeUnit",
        ]);
        return true;
      },
    );
    const { caller: operator } = await callerFor(t.db, "operator");
    await assert.rejects(
      operator.billing.create({ rateGroup: "x", prefix: "1", rateUnit: 1, timeUnit: 60 }),
      /needs the admin role/,
    );
    assert.ok(await operator.billing.list({}));
  });
});

test("acc and missed_calls rows keep their Kamailio time text", async () => {
  const t = await createTestDatabase();
  try {
    await t.db
      .insert(missedCalls)
      .values({ method: "INVITE", callid: "m1", sipCode: "480", time: "2026-03-29 02:30:00" });
    const { caller } = await callerFor(t.db, "viewer");
    const res = await caller.accounting.list({ table: "missed_calls" });
    assert.equal(res.rows[0].time, "2026-03-29 02:30:00");
  } finally {
    await t.drop();
  }
});

test("CSV cells: quotes doubled, separators quoted, formula-like text defused, phone numbers kept", () => {
  assert.equal(csvCell('say "hi", bob'), '"say ""hi"", bob"');
  assert.equal(csvCell("line\nbreak"), '"line\nbreak"');
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
  assert.equal(csvCell("+442071234567"), "+442071234567");
  assert.equal(csvCell(-1), "-1");
  assert.equal(csvCell(null), "");
});

test("timeIndex reports whether acc and missed_calls have an index on time", async () => {
  const t = await createTestDatabase();
  try {
    const { caller } = await callerFor(t.db, "viewer");
    const plain = await caller.accounting.timeIndex();
    assert.deepEqual(
      plain.map((r) => [r.table, r.indexed]),
      [
        ["acc", false],
        ["missed_calls", false],
      ],
    );
    await t.pool.query("CREATE INDEX acc_time_idx ON acc (time)");
    const indexed = await caller.accounting.timeIndex();
    assert.deepEqual(
      indexed.map((r) => [r.table, r.indexed]),
      [
        ["acc", true],
        ["missed_calls", false],
      ],
    );
  } finally {
    await t.drop();
  }
});
