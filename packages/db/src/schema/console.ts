/**
 * The console's own tables. All carry the `sb_` prefix and none references or alters a Kamailio table.
 * Timestamps are local wall-clock DATETIME text like the Kamailio tables (see columns.ts), so SQL such as
 * `expires_at > NOW()` compares like with like.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  text,
  unique,
  varchar,
} from "drizzle-orm/mysql-core";
import { localDateTime } from "./columns.ts";

const now = sql`CURRENT_TIMESTAMP`;
const nowMs = sql`CURRENT_TIMESTAMP(3)`;

export const ADMIN_ROLES = ["admin", "operator", "viewer"] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const sbAdmin = mysqlTable(
  "sb_admin",
  {
    id: int("id", { unsigned: true }).autoincrement().primaryKey(),
    username: varchar("username", { length: 64 }).notNull(),
    passwordHash: varchar("password_hash", { length: 255 }).notNull(),
    role: mysqlEnum("role", ADMIN_ROLES).notNull().default("viewer"),
    /** Base32 TOTP secret; null = second factor not enrolled. */
    totpSecret: varchar("totp_secret", { length: 64 }),
    failedLogins: int("failed_logins").notNull().default(0),
    lockedUntil: localDateTime("locked_until"),
    createdAt: localDateTime("created_at").notNull().default(now),
    lastLoginAt: localDateTime("last_login_at"),
  },
  (t) => [unique("sb_admin_username_idx").on(t.username)],
);

export const sbSession = mysqlTable(
  "sb_session",
  {
    /** sha256 hex of the cookie token: a database leak does not hand out live sessions. */
    id: varchar("id", { length: 64 }).primaryKey(),
    adminId: int("admin_id", { unsigned: true }).notNull(),
    csrfToken: varchar("csrf_token", { length: 64 }).notNull(),
    createdAt: localDateTime("created_at").notNull().default(now),
    expiresAt: localDateTime("expires_at").notNull(),
    ip: varchar("ip", { length: 64 }).notNull().default(""),
    userAgent: varchar("user_agent", { length: 255 }).notNull().default(""),
  },
  (t) => [index("sb_session_expires_idx").on(t.expiresAt), index("sb_session_admin_idx").on(t.adminId)],
);

export const sbAudit = mysqlTable(
  "sb_audit",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    at: localDateTime("at", 3).notNull().default(nowMs),
    /** Null for actions without a logged-in admin (failed logins). */
    adminId: int("admin_id", { unsigned: true }),
    username: varchar("username", { length: 64 }).notNull(),
    /** e.g. "subscriber.create", "login", "rpc:dispatcher.reload" */
    action: varchar("action", { length: 64 }).notNull(),
    target: varchar("target", { length: 255 }).notNull().default(""),
    /** sb_node.name the action was sent to, if any. */
    node: varchar("node", { length: 64 }),
    details: text("details"),
    ok: boolean("ok").notNull().default(true),
  },
  (t) => [
    index("sb_audit_at_idx").on(t.at),
    index("sb_audit_username_idx").on(t.username),
    index("sb_audit_action_idx").on(t.action),
  ],
);

export const NODE_PROTOCOLS = ["jsonrpc", "xmlrpc"] as const;
export const NODE_KINDS = ["sipd", "kamailio"] as const;

export const sbNode = mysqlTable(
  "sb_node",
  {
    id: int("id", { unsigned: true }).autoincrement().primaryKey(),
    name: varchar("name", { length: 64 }).notNull(),
    /** RPC endpoint, e.g. http://127.0.0.1:5071/RPC */
    url: varchar("url", { length: 255 }).notNull(),
    protocol: mysqlEnum("protocol", NODE_PROTOCOLS).notNull().default("jsonrpc"),
    /** Bearer token sent to the node; empty = none. */
    token: varchar("token", { length: 255 }).notNull().default(""),
    kind: mysqlEnum("kind", NODE_KINDS).notNull().default("sipd"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: localDateTime("created_at").notNull().default(now),
  },
  (t) => [unique("sb_node_name_idx").on(t.name)],
);

/**
 * Last time the console changed the data of a reloadable module ("dispatcher", "dialplan", ...).
 * Compared with sb_node_reload to show "changes not yet loaded on node X".
 */
export const sbModuleChange = mysqlTable("sb_module_change", {
  module: varchar("module", { length: 32 }).primaryKey(),
  changedAt: localDateTime("changed_at", 3).notNull(),
});

/** Last successful `<module>.reload` the console sent to a node. */
export const sbNodeReload = mysqlTable(
  "sb_node_reload",
  {
    nodeId: int("node_id", { unsigned: true }).notNull(),
    module: varchar("module", { length: 32 }).notNull(),
    reloadedAt: localDateTime("reloaded_at", 3).notNull(),
  },
  (t) => [primaryKey({ name: "sb_node_reload_pk", columns: [t.nodeId, t.module] })],
);
