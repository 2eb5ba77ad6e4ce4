/**
 * DATETIME <-> Date conversion in local time.
 *
 * Kamailio's db_mysql formats time_t with localtime() when it writes DATETIME columns (acc.time,
 * location.expires, ...), and MariaDB's NOW() also yields the server's local time. The schema therefore
 * reads DATETIME as plain text, and these helpers convert at the edges using this process's local zone.
 * Run sipd/the console with the same TZ as Kamailio and MariaDB (the default on one host).
 */

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "YYYY-MM-DD HH:MM:SS" (or with ".mmm" when withMillis) in local time. */
export function toSqlDateTime(d: Date, withMillis = false): string {
  const base =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** Parse MariaDB DATETIME text as local time. Throws on anything else. */
export function fromSqlDateTime(s: string): Date {
  const m = SQL_DATETIME.exec(s);
  if (!m) throw new Error(`not a DATETIME value: ${s}`);
  const ms = m[7] ? Number(m[7].padEnd(3, "0").slice(0, 3)) : 0;
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
}
