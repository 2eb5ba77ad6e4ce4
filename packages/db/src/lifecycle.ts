/**
 * Database lifecycle: find (or start) the MariaDB that start, tests and benchmarks use.
 *
 * Order of preference (DEVELOPERS.md, issue [1/7]):
 *   1. DATABASE_URL (or config database.url) when set: used as is.
 *   2. A MariaDB already running on this host (TCP 127.0.0.1:3306 as root with an empty password,
 *      or the Debian unix socket as OS root). Debian's root may only work over the socket, so a
 *      dedicated app user `switchboard` with a generated password is created and used over TCP.
 *   3. A project-local MariaDB (Debian's mariadb-install-db + mariadbd) with its data and socket
 *      under .data/, on a free port, stopped by stop().
 * When MariaDB is not installed at all, MariaDbMissingError says how to get it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mysql from "mysql2/promise";

export interface DatabaseHandle {
  /** URL of the application database (created when missing). */
  url: string;
  /** URL without a database name, for an account allowed to create `switchboard%` databases. */
  adminUrl: string;
  source: "env" | "host" | "local";
  /** Stops a project-local server started by this call; a no-op otherwise. */
  stop(): Promise<void>;
}

export interface EnsureOptions {
  /** Explicit URL; defaults to process.env.DATABASE_URL. Pass "" to ignore the environment. */
  url?: string;
  /** Database name for the application (default "switchboard"). */
  database?: string;
  /** Where to look for a running server (default 127.0.0.1:3306 and the Debian socket). */
  hostProbe?: { host: string; port: number; socketPath?: string };
  /** Directory for the project-local server and the generated credentials (default <repo>/.data). */
  dataDir?: string;
  /** Application account created on a shared server (default "switchboard"). */
  appUser?: string;
  /** Binaries (default Debian paths). */
  mariadbd?: string;
  installDb?: string;
  log?: (line: string) => void;
}

export class MariaDbMissingError extends Error {
  override name = "MariaDbMissingError";
  constructor() {
    super(
      "no database: DATABASE_URL is not set, no MariaDB answers on 127.0.0.1:3306, and MariaDB is not installed. " +
        "Install it with `sudo apt-get install -y mariadb-server` (Debian/Ubuntu), or run `docker compose -f docker/compose.yaml up`, " +
        "or set DATABASE_URL=mysql://user:pass@host:3306/switchboard",
    );
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export async function ensureDatabase(opts: EnsureOptions = {}): Promise<DatabaseHandle> {
  const log = opts.log ?? (() => {});
  const database = opts.database ?? "switchboard";
  const envUrl = opts.url ?? process.env.DATABASE_URL ?? "";
  if (envUrl) return useExplicitUrl(envUrl);

  const dataDir = opts.dataDir ?? join(REPO_ROOT, ".data");
  const probe = opts.hostProbe ?? { host: "127.0.0.1", port: 3306, socketPath: "/run/mysqld/mysqld.sock" };
  const admin = await connectAsRoot(probe);
  if (admin) {
    log(`database: using the MariaDB server at ${probe.host}:${probe.port}`);
    // The password of an account on a shared server is kept per user and server, so that every
    // checkout on this machine agrees on it instead of re-keying the account under the others.
    const credentials = join(configHome(), `${probe.host}-${probe.port}.json`);
    const urls = await provisionAppUser(admin, probe, database, credentials, opts.appUser);
    return { ...urls, source: "host", stop: async () => {} };
  }
  return startLocalServer({ ...opts, dataDir, database, log });
}

async function useExplicitUrl(url: string): Promise<DatabaseHandle> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid DATABASE_URL: not a URL (expected mysql://user:pass@host:3306/db)`);
  }
  if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:")
    throw new Error(
      `invalid DATABASE_URL: scheme ${parsed.protocol} (expected mysql://user:pass@host:3306/db)`,
    );
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!dbName) throw new Error("invalid DATABASE_URL: no database name in the path (…:3306/switchboard)");
  const adminUrl = new URL(url);
  adminUrl.pathname = "/";
  const conn = await mysql
    .createConnection({ uri: adminUrl.toString(), connectTimeout: 5000 })
    .catch((e: Error) => {
      throw new Error(`database ${parsed.host} unreachable: ${e.message}`);
    });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(dbName)}`);
  } catch {
    // The account may lack CREATE; the database must then already exist.
  } finally {
    await conn.end();
  }
  return { url, adminUrl: adminUrl.toString().replace(/\/$/, ""), source: "env", stop: async () => {} };
}

type Probe = NonNullable<EnsureOptions["hostProbe"]>;

/** Root over TCP with an empty password (CI, docker) or over the unix socket (Debian's unix_socket auth). */
async function connectAsRoot(probe: Probe): Promise<mysql.Connection | null> {
  const attempts: mysql.ConnectionOptions[] = [
    { host: probe.host, port: probe.port, user: "root", password: "" },
  ];
  if (probe.socketPath && existsSync(probe.socketPath))
    attempts.push({ socketPath: probe.socketPath, user: "root" });
  for (const a of attempts) {
    try {
      return await mysql.createConnection({ ...a, connectTimeout: 2000 });
    } catch {
      // try the next way in
    }
  }
  return null;
}

/** Creates (or re-keys) the `switchboard` account; it may create and drop `switchboard%` databases. */
async function provisionAppUser(
  admin: mysql.Connection,
  server: { host: string; port: number; socketPath?: string },
  database: string,
  credentialsFile: string,
  user = "switchboard",
): Promise<{ url: string; adminUrl: string }> {
  const password = appPassword(credentialsFile);
  const host = server.host.includes(":") ? `[${server.host}]` : server.host;
  const base = `mysql://${user}:${encodeURIComponent(password)}@${host}:${server.port}`;
  try {
    for (const h of ["localhost", "127.0.0.1", "::1"]) {
      await admin.query("CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?", [user, h, password]);
      await admin.query("GRANT ALL PRIVILEGES ON `switchboard%`.* TO ?@?", [user, h]);
    }
    // Re-key only an account whose password we do not know (created elsewhere, file lost).
    const works = await mysql
      .createConnection({ uri: base, connectTimeout: 2000 })
      .then((c) => c.end().then(() => true))
      .catch(() => false);
    if (!works)
      for (const h of ["localhost", "127.0.0.1", "::1"])
        await admin.query("ALTER USER ?@? IDENTIFIED BY ?", [user, h, password]);
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)}`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${database}`, adminUrl: base };
}

/** ~/.config/switchboard (or $XDG_CONFIG_HOME/switchboard). */
function configHome(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "switchboard");
}

/** The app account's password, generated once and kept (mode 0600) in `file`. */
function appPassword(file: string): string {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { dbPassword?: string };
    if (saved.dbPassword) return saved.dbPassword;
  }
  mkdirSync(dirname(file), { recursive: true });
  const dbPassword = randomBytes(18).toString("base64url");
  writeFileSync(file, JSON.stringify({ dbPassword }, null, 2), { mode: 0o600 });
  return dbPassword;
}

function findBinary(explicit: string | undefined, candidates: string[]): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return candidates.find((c) => existsSync(c));
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

async function startLocalServer(
  opts: EnsureOptions & { dataDir: string; database: string; log: (l: string) => void },
): Promise<DatabaseHandle> {
  const mariadbd = findBinary(opts.mariadbd, ["/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd"]);
  const installDb = findBinary(opts.installDb, ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]);
  if (!mariadbd || !installDb) throw new MariaDbMissingError();

  const dir = join(opts.dataDir, "mariadb");
  const socketPath = join(opts.dataDir, "mariadb.sock");
  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? ["--user=root"] : [];
  if (!existsSync(join(dir, "mysql"))) {
    mkdirSync(dir, { recursive: true });
    opts.log(`database: initialising a project-local MariaDB in ${dir}`);
    const r = spawnSync(
      installDb,
      [
        "--no-defaults",
        `--datadir=${dir}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        ...userArgs,
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0)
      throw new Error(`mariadb-install-db failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
  }
  const port = await freePort();
  opts.log(`database: starting a project-local MariaDB on 127.0.0.1:${port}`);
  const child: ChildProcess = spawn(
    mariadbd,
    [
      "--no-defaults",
      `--datadir=${dir}`,
      `--socket=${socketPath}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${join(opts.dataDir, "mariadb.pid")}`,
      `--log-error=${join(opts.dataDir, "mariadb.err")}`,
      "--skip-name-resolve",
      ...userArgs,
    ],
    { stdio: "ignore", detached: false },
  );
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    await new Promise<void>((res) => {
      child.once("exit", () => res());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
    });
  };
  const deadline = Date.now() + 30_000;
  let admin: mysql.Connection | null = null;
  while (!admin && Date.now() < deadline && !exited) {
    await new Promise((r) => setTimeout(r, 250));
    admin = await mysql.createConnection({ socketPath, user: "root", password: "" }).catch(() => null);
  }
  if (!admin) {
    await stop();
    const errLog = join(opts.dataDir, "mariadb.err");
    const tail = existsSync(errLog)
      ? readFileSync(errLog, "utf8").trim().split("\n").slice(-3).join(" | ")
      : "";
    throw new Error(`project-local MariaDB did not start within 30 s${tail ? `: ${tail}` : ""}`);
  }
  const urls = await provisionAppUser(
    admin,
    { host: "127.0.0.1", port },
    opts.database,
    join(opts.dataDir, "credentials.json"),
    opts.appUser,
  );
  return { ...urls, source: "local", stop };
}

export function quoteIdent(name: string): string {
  return "`" + name.replace(/`/g, "``") + "`";
}
