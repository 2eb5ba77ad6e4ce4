/**
 * Change detection for tables Kamailio reads on every request (grp, re_grp, dbaliases, speed_dial):
 * we serve them from memory instead, and poll MariaDB's CHECKSUM TABLE to reload when the console
 * (or anyone) edits them, so edits take effect without a restart or an RPC call.
 */
import type { Db } from "@switchboard/db";
import { sql } from "drizzle-orm";
import type { ReloadableTable } from "./reloadable.ts";

/** One string that changes whenever a row of any of the tables changes. */
export async function tableChecksum(db: Db, ...tables: string[]): Promise<string> {
  const [rows] = (await db.execute(
    sql.raw(`CHECKSUM TABLE ${tables.map((t) => `\`${t}\``).join(", ")}`),
  )) as unknown as [Array<{ Table: string; Checksum: number | string | null }>];
  return rows.map((r) => `${r.Table}=${r.Checksum}`).join(";");
}

/** Data that remembers the checksum of the tables it was loaded from. */
export interface Checksummed {
  checksum: string;
}

/**
 * Reloads `table` every `seconds` when the tables' checksum differs from the one its data was
 * loaded with (a failed reload is retried on the next tick). 0 turns polling off.
 */
export function refreshWhenChanged<T extends Checksummed>(
  table: ReloadableTable<T>,
  db: Db,
  tables: string[],
  seconds: number,
  onError?: (e: unknown) => void,
): void {
  table.startRefresh(seconds * 1000, {
    changed: async () => (await tableChecksum(db, ...tables)) !== table.data.checksum,
    onError,
  });
}
