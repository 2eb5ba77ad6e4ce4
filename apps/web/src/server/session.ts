/** The session of the request being rendered (server components and layouts). */
import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { loadSession, SESSION_COOKIE, type Session } from "./auth/session";
import { getDb } from "./db";
import { mapDbError } from "./errors";

export type ServerSession = { session: Session | null; error: string | null };

export const getServerSession = cache(async (): Promise<ServerSession> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return { session: null, error: null };
  try {
    return { session: await loadSession(getDb(), token), error: null };
  } catch (e) {
    // Pages show this: the readable reason, never drizzle's message (the SQL text and its parameters).
    return { session: null, error: mapDbError(e, undefined)?.message ?? (e as Error).message };
  }
});
