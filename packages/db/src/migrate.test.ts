import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import mysql from "mysql2/promise";
import { runMigrations } from "./migrate.ts";
import { KAMAILIO_TABLE_VERSIONS } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

/**
 * Expected layout of every table, written from Kamailio 6.1's utils/kamctl/mysql/*-create.sql (and
 * Siremis's install SQL), in the canonical form describeTable() prints: one line per column
 * `name COLUMN_TYPE NULL|NOT NULL [AUTO_INCREMENT] [DEFAULT x]`, then one line per index.
 */
const id = "id int(10) unsigned NOT NULL AUTO_INCREMENT";
const pk = "PRIMARY KEY (id)";
const lastModified = "last_modified datetime NOT NULL DEFAULT '2000-01-01 00:00:01'";
const ucontact = (contact: number, received: number) => [
  id,
  "ruid varchar(64) NOT NULL DEFAULT ''",
  "username varchar(64) NOT NULL DEFAULT ''",
  "domain varchar(64) NULL DEFAULT NULL",
  `contact varchar(${contact}) NOT NULL DEFAULT ''`,
  `received varchar(${received}) NULL DEFAULT NULL`,
  "path varchar(512) NULL DEFAULT NULL",
  "expires datetime NOT NULL DEFAULT '2030-05-28 21:32:15'",
  "q float(10,2) NOT NULL DEFAULT 1",
  "callid varchar(255) NOT NULL DEFAULT 'Default-Call-ID'",
  "cseq int(11) NOT NULL DEFAULT 1",
  lastModified,
  "flags int(11) NOT NULL DEFAULT 0",
  "cflags int(11) NOT NULL DEFAULT 0",
  "user_agent varchar(255) NOT NULL DEFAULT ''",
  "socket varchar(64) NULL DEFAULT NULL",
  "methods int(11) NULL DEFAULT NULL",
  "instance varchar(255) NULL DEFAULT NULL",
  "reg_id int(11) NOT NULL DEFAULT 0",
  "server_id int(11) NOT NULL DEFAULT 0",
  "connection_id int(11) NOT NULL DEFAULT 0",
  "keepalive int(11) NOT NULL DEFAULT 0",
  "partition int(11) NOT NULL DEFAULT 0",
];
const accColumns = [
  id,
  "method varchar(16) NOT NULL DEFAULT ''",
  "from_tag varchar(128) NOT NULL DEFAULT ''",
  "to_tag varchar(128) NOT NULL DEFAULT ''",
  "callid varchar(255) NOT NULL DEFAULT ''",
  "sip_code varchar(3) NOT NULL DEFAULT ''",
  "sip_reason varchar(128) NOT NULL DEFAULT ''",
  "time datetime NOT NULL",
  // kamailio.cfg WITH_ACCDB db_extra columns, then Siremis's cdr_id
  "src_user varchar(64) NOT NULL DEFAULT ''",
  "src_domain varchar(128) NOT NULL DEFAULT ''",
  "src_ip varchar(64) NOT NULL DEFAULT ''",
  "dst_ouser varchar(64) NOT NULL DEFAULT ''",
  "dst_user varchar(64) NOT NULL DEFAULT ''",
  "dst_domain varchar(128) NOT NULL DEFAULT ''",
  "cdr_id int(11) NOT NULL DEFAULT 0",
];

const KAMAILIO_TABLES: Record<string, { columns: string[]; indexes: string[] }> = {
  version: {
    columns: [id, "table_name varchar(32) NOT NULL", "table_version int(10) unsigned NOT NULL DEFAULT 0"],
    indexes: [pk, "UNIQUE table_name_idx (table_name)"],
  },
  subscriber: {
    columns: [
      id,
      "username varchar(64) NOT NULL DEFAULT ''",
      "domain varchar(64) NOT NULL DEFAULT ''",
      "password varchar(64) NOT NULL DEFAULT ''",
      "ha1 varchar(128) NOT NULL DEFAULT ''",
      "ha1b varchar(128) NOT NULL DEFAULT ''",
    ],
    indexes: [pk, "UNIQUE account_idx (username,domain)", "KEY username_idx (username)"],
  },
  location: {
    columns: ucontact(512, 128),
    indexes: [
      pk,
      "KEY account_contact_idx (username,domain,contact)",
      "KEY connection_idx (server_id,connection_id)",
      "KEY expires_idx (expires)",
      "UNIQUE ruid_idx (ruid)",
      "KEY tcpcon_idx (connection_id)",
    ],
  },
  location_attrs: {
    columns: [
      id,
      "ruid varchar(64) NOT NULL DEFAULT ''",
      "username varchar(64) NOT NULL DEFAULT ''",
      "domain varchar(64) NULL DEFAULT NULL",
      "aname varchar(64) NOT NULL DEFAULT ''",
      "atype int(11) NOT NULL DEFAULT 0",
      "avalue varchar(512) NOT NULL DEFAULT ''",
      lastModified,
    ],
    indexes: [pk, "KEY account_record_idx (username,domain,ruid)", "KEY last_modified_idx (last_modified)"],
  },
  aliases: {
    columns: ucontact(255, 255),
    indexes: [
      pk,
      "KEY account_contact_idx (username,domain,contact)",
      "KEY expires_idx (expires)",
      "UNIQUE ruid_idx (ruid)",
    ],
  },
  dbaliases: {
    columns: [
      id,
      "alias_username varchar(64) NOT NULL DEFAULT ''",
      "alias_domain varchar(64) NOT NULL DEFAULT ''",
      "username varchar(64) NOT NULL DEFAULT ''",
      "domain varchar(64) NOT NULL DEFAULT ''",
    ],
    indexes: [
      pk,
      "KEY alias_idx (alias_username,alias_domain)",
      "KEY alias_user_idx (alias_username)",
      "KEY target_idx (username,domain)",
    ],
  },
  dispatcher: {
    columns: [
      id,
      "setid int(11) NOT NULL DEFAULT 0",
      "destination varchar(192) NOT NULL DEFAULT ''",
      "flags int(11) NOT NULL DEFAULT 0",
      "priority int(11) NOT NULL DEFAULT 0",
      "attrs varchar(128) NOT NULL DEFAULT ''",
      "description varchar(64) NOT NULL DEFAULT ''",
    ],
    indexes: [pk],
  },
  dialplan: {
    columns: [
      id,
      "dpid int(11) NOT NULL",
      "pr int(11) NOT NULL",
      "match_op int(11) NOT NULL",
      "match_exp varchar(64) NOT NULL",
      "match_len int(11) NOT NULL",
      "subst_exp varchar(64) NOT NULL",
      "repl_exp varchar(256) NOT NULL",
      "attrs varchar(64) NOT NULL",
    ],
    indexes: [pk],
  },
  trusted: {
    columns: [
      id,
      "src_ip varchar(50) NOT NULL",
      "proto varchar(4) NOT NULL",
      "from_pattern varchar(64) NULL DEFAULT NULL",
      "ruri_pattern varchar(64) NULL DEFAULT NULL",
      "tag varchar(64) NULL DEFAULT NULL",
      "priority int(11) NOT NULL DEFAULT 0",
    ],
    indexes: [pk, "KEY peer_idx (src_ip)"],
  },
  address: {
    columns: [
      id,
      "grp int(11) unsigned NOT NULL DEFAULT 1",
      "ip_addr varchar(50) NOT NULL",
      "mask int(11) NOT NULL DEFAULT 32",
      "port smallint(5) unsigned NOT NULL DEFAULT 0",
      "tag varchar(64) NULL DEFAULT NULL",
    ],
    indexes: [pk],
  },
  grp: {
    columns: [
      id,
      "username varchar(64) NOT NULL DEFAULT ''",
      "domain varchar(64) NOT NULL DEFAULT ''",
      "grp varchar(64) NOT NULL DEFAULT ''",
      lastModified,
    ],
    indexes: [pk, "UNIQUE account_group_idx (username,domain,grp)"],
  },
  re_grp: {
    columns: [id, "reg_exp varchar(128) NOT NULL DEFAULT ''", "group_id int(11) NOT NULL DEFAULT 0"],
    indexes: [pk, "KEY group_idx (group_id)"],
  },
  acc: { columns: accColumns, indexes: [pk, "KEY callid_idx (callid)"] },
  missed_calls: { columns: accColumns, indexes: [pk, "KEY callid_idx (callid)"] },
  acc_cdrs: {
    columns: [
      id,
      "start_time datetime NOT NULL DEFAULT '2000-01-01 00:00:00'",
      "end_time datetime NOT NULL DEFAULT '2000-01-01 00:00:00'",
      "duration float(13,6) NOT NULL DEFAULT 0",
    ],
    indexes: [pk, "KEY start_time_idx (start_time)"],
  },
  domain: {
    columns: [id, "domain varchar(64) NOT NULL", "did varchar(64) NULL DEFAULT NULL", lastModified],
    indexes: [pk, "UNIQUE domain_idx (domain)"],
  },
  domain_attrs: {
    columns: [
      id,
      "did varchar(64) NOT NULL",
      "name varchar(32) NOT NULL",
      "type int(10) unsigned NOT NULL",
      "value varchar(255) NOT NULL",
      lastModified,
    ],
    indexes: [pk, "KEY domain_attrs_idx (did,name)"],
  },
  speed_dial: {
    columns: [
      id,
      "username varchar(64) NOT NULL DEFAULT ''",
      "domain varchar(64) NOT NULL DEFAULT ''",
      "sd_username varchar(64) NOT NULL DEFAULT ''",
      "sd_domain varchar(64) NOT NULL DEFAULT ''",
      "new_uri varchar(255) NOT NULL DEFAULT ''",
      "fname varchar(64) NOT NULL DEFAULT ''",
      "lname varchar(64) NOT NULL DEFAULT ''",
      "description varchar(64) NOT NULL DEFAULT ''",
    ],
    indexes: [pk, "UNIQUE speed_dial_idx (username,domain,sd_domain,sd_username)"],
  },
  usr_preferences: {
    columns: [
      id,
      "uuid varchar(64) NOT NULL DEFAULT ''",
      "username varchar(255) NOT NULL DEFAULT '0'",
      "domain varchar(64) NOT NULL DEFAULT ''",
      "attribute varchar(32) NOT NULL DEFAULT ''",
      "type int(11) NOT NULL DEFAULT 0",
      "value varchar(128) NOT NULL DEFAULT ''",
      lastModified,
    ],
    indexes: [pk, "KEY ua_idx (uuid,attribute)", "KEY uda_idx (username,domain,attribute)"],
  },
  htable: {
    columns: [
      id,
      "key_name varchar(256) NOT NULL DEFAULT ''",
      "key_type int(11) NOT NULL DEFAULT 0",
      "value_type int(11) NOT NULL DEFAULT 0",
      "key_value varchar(512) NOT NULL DEFAULT ''",
      "expires int(11) NOT NULL DEFAULT 0",
    ],
    indexes: [pk],
  },
};

const counter = (name: string) => `${name} int(10) unsigned NOT NULL DEFAULT 0`;
/** Siremis's tables, with our two deliberate changes: sip_call_id 255 wide, date-range indexes. */
const SIREMIS_TABLES: typeof KAMAILIO_TABLES = {
  cdrs: {
    columns: [
      "cdr_id bigint(20) NOT NULL AUTO_INCREMENT",
      "src_username varchar(64) NOT NULL DEFAULT ''",
      "src_domain varchar(128) NOT NULL DEFAULT ''",
      "dst_username varchar(64) NOT NULL DEFAULT ''",
      "dst_domain varchar(128) NOT NULL DEFAULT ''",
      "dst_ousername varchar(64) NOT NULL DEFAULT ''",
      "call_start_time datetime NOT NULL DEFAULT '2000-01-01 00:00:00'",
      "duration int(10) unsigned NOT NULL DEFAULT 0",
      "sip_call_id varchar(255) NOT NULL DEFAULT ''",
      "sip_from_tag varchar(128) NOT NULL DEFAULT ''",
      "sip_to_tag varchar(128) NOT NULL DEFAULT ''",
      "src_ip varchar(64) NOT NULL DEFAULT ''",
      "cost int(11) NOT NULL DEFAULT 0",
      "rated int(11) NOT NULL DEFAULT 0",
      "created datetime NOT NULL",
    ],
    indexes: [
      "PRIMARY KEY (cdr_id)",
      "KEY call_start_time_idx (call_start_time)",
      "UNIQUE uk_cft (sip_call_id,sip_from_tag,sip_to_tag)",
    ],
  },
  billing_rates: {
    columns: [
      "rate_id bigint(20) NOT NULL AUTO_INCREMENT",
      "rate_group varchar(64) NOT NULL DEFAULT 'default'",
      "prefix varchar(64) NOT NULL DEFAULT ''",
      "rate_unit int(11) NOT NULL DEFAULT 0",
      "time_unit int(11) NOT NULL DEFAULT 60",
    ],
    indexes: ["PRIMARY KEY (rate_id)", "UNIQUE uk_rp (rate_group,prefix)"],
  },
  statistics: {
    columns: [
      id,
      ...[
        "time_stamp",
        "shm_used_size",
        "shm_real_used_size",
        "shm_max_used_size",
        "shm_free_used_size",
        "ul_users",
        "ul_contacts",
        "tm_active",
        "rcv_req_diff",
        "fwd_req_diff",
        "2xx_trans_diff",
      ].map(counter),
    ],
    indexes: [pk, "KEY time_stamp_idx (time_stamp)"],
  },
};

/** Kamailio 6.1's `version` rows (kamctl *-create.sql). */
const KAMAILIO_VERSION_ROWS = {
  version: 1,
  subscriber: 7,
  location: 9,
  location_attrs: 1,
  aliases: 8,
  dbaliases: 1,
  dispatcher: 4,
  dialplan: 2,
  trusted: 6,
  address: 6,
  grp: 2,
  re_grp: 1,
  acc: 5,
  acc_cdrs: 3,
  missed_calls: 4,
  domain: 2,
  domain_attrs: 1,
  speed_dial: 2,
  usr_preferences: 2,
  htable: 2,
};

/** MariaDB's COLUMN_DEFAULT: SQL NULL = no default, 'NULL' = DEFAULT NULL, quoted text, or a number. */
function renderDefault(raw: string | null): string {
  if (raw === null) return "";
  if (raw === "NULL" || raw.startsWith("'")) return ` DEFAULT ${raw}`;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return ` DEFAULT ${Number(raw)}`;
  return ` DEFAULT ${raw.toLowerCase()}`;
}

type Layout = { columns: string[]; indexes: string[] };

async function describeTable(conn: mysql.Connection, table: string): Promise<Layout> {
  const [cols] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME n, COLUMN_TYPE t, IS_NULLABLE nl, COLUMN_DEFAULT d, EXTRA x FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  const [idx] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT INDEX_NAME n, NON_UNIQUE nu, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) c
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
     GROUP BY INDEX_NAME, NON_UNIQUE`,
    [table],
  );
  return {
    columns: cols.map(
      (c) =>
        `${c.n} ${c.t} ${c.nl === "YES" ? "NULL" : "NOT NULL"}` +
        `${/auto_increment/i.test(c.x) ? " AUTO_INCREMENT" : ""}${renderDefault(c.d)}`,
    ),
    // PRIMARY first, then by name (JS order: the server's collation would sort case-insensitively).
    indexes: idx
      .sort((a, b) => (a.n === "PRIMARY" ? -1 : b.n === "PRIMARY" ? 1 : a.n < b.n ? -1 : 1))
      .map((i) =>
        i.n === "PRIMARY" ? `PRIMARY KEY (${i.c})` : `${Number(i.nu) ? "KEY" : "UNIQUE"} ${i.n} (${i.c})`,
      ),
  };
}

async function describeDatabase(conn: mysql.Connection): Promise<Record<string, Layout>> {
  const [tables] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
  );
  const out: Record<string, Layout> = {};
  for (const t of tables) out[t.n] = await describeTable(conn, t.n);
  return out;
}

async function versionRows(conn: mysql.Connection): Promise<Record<string, number>> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT table_name, table_version FROM version");
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.table_version)]));
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

async function connect(url: string, multipleStatements = false) {
  return mysql.createConnection({ uri: url, multipleStatements, dateStrings: true });
}

describe("migrations on an empty database", () => {
  let tdb: TestDatabase;
  let conn: mysql.Connection;
  before(async () => {
    tdb = await createTestDatabase();
    conn = await connect(tdb.url);
  });
  after(async () => {
    await conn?.end();
    await tdb?.drop();
  });

  for (const [table, expected] of Object.entries(KAMAILIO_TABLES)) {
    test(`creates Kamailio table ${table} with kamdbctl's columns, defaults and indexes`, async () => {
      assert.deepEqual(await describeTable(conn, table), expected);
    });
  }

  for (const [table, expected] of Object.entries(SIREMIS_TABLES)) {
    test(`creates Siremis table ${table}`, async () => {
      assert.deepEqual(await describeTable(conn, table), expected);
    });
  }

  test("inserts Kamailio 6.1's version rows, and KAMAILIO_TABLE_VERSIONS matches them", async () => {
    assert.deepEqual(await versionRows(conn), KAMAILIO_VERSION_ROWS);
    assert.deepEqual({ ...KAMAILIO_TABLE_VERSIONS }, KAMAILIO_VERSION_ROWS);
  });

  test("creates the console tables with the sb_ prefix only", async () => {
    const layout = await describeDatabase(conn);
    const ours = Object.keys(layout).filter(
      (t) => !(t in KAMAILIO_TABLES) && !(t in SIREMIS_TABLES) && t !== "__drizzle_migrations",
    );
    assert.deepEqual(ours, [
      "sb_admin",
      "sb_audit",
      "sb_module_change",
      "sb_node",
      "sb_node_reload",
      "sb_session",
    ]);
  });

  test("running the migrations again changes neither the schema nor any row", async () => {
    await conn.query("INSERT INTO subscriber (username, domain) VALUES ('kept', 'example.org')");
    const schemaBefore = await describeDatabase(conn);
    const [journalBefore] = await conn.query("SELECT * FROM __drizzle_migrations");
    const [versionBefore] = await conn.query("SELECT * FROM version ORDER BY id");
    await runMigrations(tdb.url);
    await runMigrations(tdb.url);
    assert.deepEqual(await describeDatabase(conn), schemaBefore);
    assert.deepEqual((await conn.query("SELECT * FROM __drizzle_migrations"))[0], journalBefore);
    assert.deepEqual((await conn.query("SELECT * FROM version ORDER BY id"))[0], versionBefore);
    const [subs] = await conn.query<mysql.RowDataPacket[]>("SELECT username FROM subscriber");
    assert.deepEqual(
      subs.map((s) => s.username),
      ["kept"],
    );
  });
});

describe("migrations adopting an existing database", () => {
  let fresh: TestDatabase;
  let freshLayout: Record<string, Layout>;
  before(async () => {
    fresh = await createTestDatabase();
    const c = await connect(fresh.url);
    freshLayout = await describeDatabase(c);
    await c.end();
  });
  after(async () => {
    await fresh?.drop();
  });

  /** A database loaded from fixtures, migrated; returns a connection to inspect it. */
  async function adopted(fixtures: string[]) {
    const tdb = await createTestDatabase({ migrate: false });
    const conn = await connect(tdb.url, true);
    for (const f of fixtures) await conn.query(fixture(f));
    return { tdb, conn };
  }

  test("a kamdbctl-created database keeps its rows and gains the acc columns and our tables", async () => {
    const { tdb, conn } = await adopted(["kamdbctl-6.1.sql"]);
    try {
      const [subsBefore] = await conn.query("SELECT * FROM subscriber ORDER BY id");
      const [locBefore] = await conn.query("SELECT * FROM location ORDER BY id");
      const [prefsBefore] = await conn.query("SELECT * FROM usr_preferences ORDER BY id");
      const versionsBefore = await versionRows(conn);

      await runMigrations(tdb.url);

      assert.deepEqual((await conn.query("SELECT * FROM subscriber ORDER BY id"))[0], subsBefore);
      assert.deepEqual((await conn.query("SELECT * FROM location ORDER BY id"))[0], locBefore);
      assert.deepEqual((await conn.query("SELECT * FROM usr_preferences ORDER BY id"))[0], prefsBefore);
      assert.deepEqual(await versionRows(conn), versionsBefore);
      const [acc] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT method, callid, time, src_user, dst_domain, cdr_id FROM acc ORDER BY id",
      );
      assert.deepEqual(
        acc.map((r) => ({ ...r })),
        [
          {
            method: "INVITE",
            callid: "call-1@192.0.2.10",
            time: "2026-01-01 10:00:00",
            src_user: "",
            dst_domain: "",
            cdr_id: 0,
          },
          {
            method: "BYE",
            callid: "call-1@192.0.2.10",
            time: "2026-01-01 10:01:05",
            src_user: "",
            dst_domain: "",
            cdr_id: 0,
          },
        ],
      );
      // Same layout as a database our migrations created from nothing, table by table.
      assert.deepEqual(await describeDatabase(conn), freshLayout);
    } finally {
      await conn.end();
      await tdb.drop();
    }
  });

  test("a Siremis-extended database keeps its CDRs and gets sip_call_id widened to 255", async () => {
    const { tdb, conn } = await adopted(["kamdbctl-6.1.sql", "siremis.sql"]);
    try {
      const [cdrsBefore] = await conn.query("SELECT * FROM cdrs ORDER BY cdr_id");
      const [accBefore] = await conn.query("SELECT * FROM acc ORDER BY id");
      await runMigrations(tdb.url);
      await runMigrations(tdb.url);
      assert.deepEqual((await conn.query("SELECT * FROM cdrs ORDER BY cdr_id"))[0], cdrsBefore);
      assert.deepEqual((await conn.query("SELECT * FROM acc ORDER BY id"))[0], accBefore);
      assert.deepEqual(await describeDatabase(conn), freshLayout);
    } finally {
      await conn.end();
      await tdb.drop();
    }
  });
});

describe("migration failures", () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase({ migrate: false });
  });
  after(async () => {
    await tdb?.drop();
  });

  test("a statement the server rejects yields one line naming the server's reason", async () => {
    // A view where a table is expected: indexing or altering `acc` must fail.
    await tdb.pool.query("CREATE VIEW acc AS SELECT 1 AS id");
    await assert.rejects(runMigrations(tdb.url), (e: Error) => {
      assert.match(e.message, /^migration failed: .*acc/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });
});
