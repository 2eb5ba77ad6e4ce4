/**
 * drizzle-kit configuration. `npm run db:generate` diffs packages/db/src/schema against drizzle/meta and
 * writes the next migration; apply with `npm run db:migrate` (packages/db/scripts/migrate.ts).
 * drizzle-kit pull is broken on MariaDB: the schema is hand-written, never pulled.
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "mysql",
  schema: "./packages/db/src/schema/index.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/switchboard" },
});
