/**
 * Change detection for tables Kamailio reads on every request (grp, re_grp, dbaliases, speed_dial):
 * we serve them from memory instead, and poll MariaDB's CHECKSUM TABLE to reload when the console
 * (or anyone) edits them, so edits take effect without a restart or an RPC call.
 */
import type { Db } from "@switchboard/db";
import { sql } from "drizzle-orm";
import { type Loaded, ReloadableTable, type ReloadReport } from "./reloadable.ts";

/** One string that changes whenever a row of any of the tables changes. */
async function tableChecksum(db: Db, ...tables: string[]): Promise<string> {
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
 * A table (or tables, e.g. grp + re_grp) served from memory and reloaded when their checksum, polled
 * every `refresh.seconds`, changes. The checksum is read before the rows and handed to `build` to
 * stamp the data with: an edit made while the rows are read then shows up as a change on the next
 * poll. The table is named after the first of `tables`.
 */
export function checksummedTable<T extends Checksummed>(
  db: Db,
  tables: string[],
  build: (checksum: string) => Promise<Loaded<T>>,
  empty: T,
  refresh: { seconds: number; onError?: (e: unknown) => void },
): ReloadableTable<T> {
  const table = new ReloadableTable<T>(
    tables[0],
    async () => build(await tableChecksum(db, ...tables)),
    empty,
  );
  // A failed reload leaves the old checksum in place, so the next tick retries. 0 turns polling off.
  table.startRefresh(refresh.seconds * 1000, {
    changed: async () => (await tableChecksum(db, ...tables)) !== table.data.checksum,
    onError: refresh.onError,
  });
  return table;
}

/** What alias_db, group and speeddial share: load at start, reload by RPC, stop polling at shutdown. */
export abstract class ChecksummedModule<T extends Checksummed> {
  abstract readonly table: ReloadableTable<T>;

  load(): Promise<ReloadReport> {
    return this.table.reload();
  }

  reload(): Promise<ReloadReport> {
    return this.table.reload();
  }

  /** Stops polling for table changes. */
  stop(): void {
    this.table.stopRefresh();
  }
}
