import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { apiTokens, sessions, users } from '../../db/schema/index.js';
import { randomSecret, sha256 } from '../../security/secrets.js';
import type { UserRow } from '../users/users.repository.js';

// Writing last_seen_at on every request would double the writes; a minute's slack is enough.
const TOUCH_AFTER_MS = 60_000;

export type ResolvedSession = { idHash: string; user: UserRow; draft: string | null };

/** Server-side sessions and bearer tokens: who a request acts for. */
export function createAuthService(db: Db, config: Config, clock: () => Date) {
  const idleMs = config.session.idleMinutes * 60_000;
  const absoluteMs = config.session.absoluteHours * 3_600_000;
  // Every request resolves its session or token: these two are built once, not per request, and
  // on PostgreSQL prepared by name on each connection (issue 4: query building was a quarter of a
  // list request's CPU).
  const sessionByHash = db
    .select()
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, sql.placeholder('idHash')))
    .prepare('auth_session_by_hash');
  const userByToken = db
    .select({ user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt), eq(users.active, true)))
    .prepare('auth_user_by_token');

  return {
    /** A fresh id at every sign-in (session fixation); any previous session is ended. */
    async startSession(userId: string, previousRawId?: string) {
      const raw = randomSecret(32);
      const now = clock();
      await db.transaction(async (tx) => {
        if (previousRawId) await tx.delete(sessions).where(eq(sessions.idHash, sha256(previousRawId)));
        await tx.insert(sessions).values({ idHash: sha256(raw), userId, createdAt: now, lastSeenAt: now });
      });
      return raw;
    },

    /** The session's user, or null when the session is unknown, idle or too old, or the user is deactivated. */
    async resolveSession(raw: string): Promise<ResolvedSession | null> {
      const idHash = sha256(raw);
      const [row] = await sessionByHash.execute({ idHash });
      if (!row) return null;
      const now = clock().getTime();
      const expired = now - row.sessions.lastSeenAt.getTime() > idleMs || now - row.sessions.createdAt.getTime() > absoluteMs;
      if (expired || !row.users.active) {
        await db.delete(sessions).where(eq(sessions.idHash, idHash));
        return null;
      }
      if (now - row.sessions.lastSeenAt.getTime() > TOUCH_AFTER_MS)
        await db
          .update(sessions)
          .set({ lastSeenAt: new Date(now) })
          .where(eq(sessions.idHash, idHash));
      return { idHash, user: row.users, draft: row.sessions.draft };
    },

    /** Deletes the sessions past their idle or absolute limit (the nightly purge); returns how many. */
    async purgeExpiredSessions(): Promise<number> {
      const now = clock().getTime();
      const gone = await db
        .delete(sessions)
        .where(or(lt(sessions.lastSeenAt, new Date(now - idleMs)), lt(sessions.createdAt, new Date(now - absoluteMs))))
        .returning({ idHash: sessions.idHash });
      return gone.length;
    },

    endSession: (raw: string) => db.delete(sessions).where(eq(sessions.idHash, sha256(raw))),

    /** Work in progress kept with the session (a referral being drafted), never in the cookie. */
    setDraft: (idHash: string, draft: unknown) =>
      db
        .update(sessions)
        .set({ draft: draft === null ? null : JSON.stringify(draft) })
        .where(eq(sessions.idHash, idHash)),

    async resolveToken(raw: string): Promise<UserRow | null> {
      const [row] = await userByToken.execute({ tokenHash: sha256(raw) });
      return row?.user ?? null;
    },
  };
}
