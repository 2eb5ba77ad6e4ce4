/** Drops the database playwright.config.ts created when no DATABASE_URL was given. */
import mysql from "mysql2/promise";

export default async function globalTeardown() {
  const name = process.env.E2E_OWNED_DATABASE;
  const url = process.env.DATABASE_URL;
  if (!name || !url) return;
  const conn = await mysql.createConnection({ uri: url });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name.replace(/`/g, "``")}\``);
  } finally {
    await conn.end();
  }
}
