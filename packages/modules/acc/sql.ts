/** Raw-SQL helper shared by the acc files (not exported from the module). */
import type { Db } from "@switchboard/db";
import type { SQL } from "drizzle-orm";

/** Rows of a raw SELECT through drizzle's mysql2 driver. */
export async function rows<T>(db: Pick<Db, "execute">, query: SQL): Promise<T[]> {
  const [result] = await db.execute(query);
  return result as unknown as T[];
}
