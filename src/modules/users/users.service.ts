import { and, eq, isNull } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { apiTokens } from '../../db/schema/index.js';
import type { Actor } from '../../domain/actor.js';
import { Forbidden, NotFound, ValidationFailed } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { createUsersRepository, type UserRow } from './users.repository.js';
import { ADMINS } from '../../domain/roles.js';
import { mayChangeRolesOf, mayDeactivate } from './users.policy.js';
import { newUserSchema, type NewUser, type Profile } from './users.schemas.js';
import { hashPassword, randomSecret, sha256, verifyPassword } from '../../security/secrets.js';

// Verified against when the username is unknown, so that timing does not reveal which usernames exist.
const decoyHash = hashPassword('decoy-password-never-used');

/** PostgreSQL's unique_violation, whether the driver error is bare or wrapped by drizzle. */
const isUniqueViolation = (err: unknown): boolean =>
  !!err &&
  typeof err === 'object' &&
  ((err as { code?: string }).code === '23505' || isUniqueViolation((err as { cause?: unknown }).cause));

/** Locked out by too many failed sign-ins, until the lock runs out or an admin unlocks it. */
const isLocked = (u: Pick<UserRow, 'lockedUntil'>, now: Date) => !!u.lockedUntil && u.lockedUntil > now;

export type SignInResult = { ok: true; user: UserRow } | { ok: false; reason: 'bad_credentials' | 'locked' };

const OWN_ROLES_MESSAGE = 'You cannot change your own roles: ask another admin';

export function createUsersService(db: Db, audit: AuditService, config: Config, clock: () => Date) {
  const repo = createUsersRepository();

  async function create(actor: Actor | null, input: NewUser, mustChangePassword = true) {
    const parsed = newUserSchema.parse(input);
    if (await repo.byUsername(db, parsed.username))
      throw new ValidationFailed([{ path: 'username', message: 'That username is already taken' }]);
    const passwordHash = await hashPassword(parsed.password, config.passwordHashing);
    const created = db.transaction(async (tx) => {
      const user = await repo.insert(tx, {
        username: parsed.username,
        displayName: parsed.displayName,
        ocu: parsed.ocu || null,
        unit: parsed.unit || null,
        roles: parsed.roles,
        passwordHash,
        mustChangePassword,
      });
      await audit.record(tx, {
        actor,
        operation: 'collect',
        entity: 'user',
        entityId: user.id,
        detail: { username: user.username, roles: user.roles },
      });
      return user;
    });
    // Two admins adding the same username at once: the unique index decides; say so, not 500.
    return created.catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new ValidationFailed([{ path: 'username', message: 'That username is already taken' }]);
      throw err;
    });
  }

  async function mustFind(id: string) {
    const user = await repo.byId(db, id);
    if (!user) throw new NotFound('No such user');
    return user;
  }

  return {
    create,
    byId: (id: string) => repo.byId(db, id),
    byUsername: (username: string) => repo.byUsername(db, username),
    count: () => repo.count(db),
    page: (page: number, pageSize: number) => repo.page(db, page, pageSize),

    /** A page of users with the total, for the admin's paged table. */
    async list(page: number, pageSize: number) {
      const [items, total] = await Promise.all([repo.page(db, page, pageSize), repo.count(db)]);
      return { items, total };
    },

    /** The user for an admin page, or NotFound. */
    mustFind,

    /** Admin: lifts a lockout before it runs out (the person called the desk). */
    async unlock(actor: Actor, id: string) {
      const user = await mustFind(id);
      await db.transaction(async (tx) => {
        await repo.update(tx, id, { failedSignIns: 0, lockedUntil: null });
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'user',
          entityId: id,
          detail: { username: user.username, unlocked: true, lockedUntil: user.lockedUntil?.toISOString() ?? null },
        });
      });
    },

    isLocked: (u: Pick<UserRow, 'lockedUntil'>) => isLocked(u, clock()),

    /**
     * First start: an admin account with a one-time password that must be changed at first sign-in.
     * Several processes may start together on one new PostgreSQL database: the one whose insert wins
     * prints the password; the others find the name taken and start as a later start would.
     */
    async createFirstAdmin(): Promise<string | null> {
      if ((await repo.count(db)) > 0) return null;
      const password = randomSecret(18);
      try {
        await create(null, { username: 'admin', displayName: 'Administrator', roles: [...ADMINS], password });
      } catch (err) {
        if (err instanceof ValidationFailed && (await repo.count(db)) > 0) return null;
        throw err;
      }
      return password;
    },

    /**
     * Checks a password, counting failures and locking the account after too many. The password is
     * verified whatever the account's state (unknown, locked), so that every refusal takes an
     * argon2 verification's time and says nothing about the account (issue 10). Failures are
     * counted by one atomic update, so parallel guesses are each counted.
     */
    async signIn(username: string, password: string, ip: string): Promise<SignInResult> {
      const user = await repo.byUsername(db, username);
      const now = clock();
      const failed = (entityId: string | undefined, reason: string) =>
        db.transaction((tx) =>
          audit.record(tx, { actor: null, operation: 'sign_in_failed', entity: 'session', entityId, detail: { username, ip, reason } }),
        );
      if (!user || !user.active) {
        await verifyPassword(await decoyHash, password);
        await failed(undefined, 'unknown or inactive');
        return { ok: false, reason: 'bad_credentials' };
      }
      if (await verifyPassword(user.passwordHash, password)) {
        const signedIn = await db.transaction(async (tx) => {
          // Not if the account was locked meanwhile, by a guess counted while this one was verified.
          if (!(await repo.clearFailures(tx, user.id, now))) return false;
          await audit.record(tx, { actor: user, operation: 'sign_in', entity: 'session', entityId: user.id, detail: { ip } });
          return true;
        });
        if (signedIn) return { ok: true, user };
        await failed(user.id, 'locked');
        return { ok: false, reason: 'locked' };
      }
      return db.transaction(async (tx) => {
        const counted = await repo.countFailure(tx, user.id, now, config.signIn.maxFailures, config.signIn.lockoutMinutes);
        const locked = isLocked(counted, now);
        await audit.record(tx, {
          actor: null,
          operation: 'sign_in_failed',
          entity: 'session',
          entityId: user.id,
          detail: { username, ip, reason: locked ? 'wrong password; account locked' : 'wrong password', failures: counted.failedSignIns },
        });
        return locked ? { ok: false as const, reason: 'locked' as const } : { ok: false as const, reason: 'bad_credentials' as const };
      });
    },

    /**
     * The signed-in person enters their own password again before a sensitive step (a persona's
     * secret revealed: issue 14 point 3). A wrong one counts as a failed sign-in, as `signIn`
     * counts it, so guessing here locks the account too; a locked account is refused either way.
     */
    async confirmOwnPassword(actor: Actor, password: string, step: string): Promise<'ok' | 'wrong' | 'locked'> {
      const user = await mustFind(actor.id);
      const now = clock();
      if (await verifyPassword(user.passwordHash, password)) return isLocked(user, now) ? 'locked' : 'ok';
      return db.transaction(async (tx) => {
        const counted = await repo.countFailure(tx, user.id, now, config.signIn.maxFailures, config.signIn.lockoutMinutes);
        const locked = isLocked(counted, now);
        await audit.record(tx, {
          actor: null,
          operation: 'sign_in_failed',
          entity: 'session',
          entityId: user.id,
          detail: {
            username: user.username,
            step,
            reason: locked ? 'wrong password; account locked' : 'wrong password',
            failures: counted.failedSignIns,
          },
        });
        return locked ? 'locked' : 'wrong';
      });
    },

    /**
     * A new password ends every other session of the user (whoever else may know the old one is
     * signed out), and, when asked, revokes their API tokens (issue 10).
     */
    async changePassword(actor: Actor, current: string, next: string, options: { keepSession?: string; revokeTokens?: boolean } = {}) {
      const user = await mustFind(actor.id);
      if (!(await verifyPassword(user.passwordHash, current)))
        throw new ValidationFailed([{ path: 'currentPassword', message: 'Your current password is not right' }]);
      if (current === next)
        throw new ValidationFailed([{ path: 'newPassword', message: 'Choose a password different from your current one' }]);
      const passwordHash = await hashPassword(next, config.passwordHashing);
      await db.transaction(async (tx) => {
        await repo.update(tx, user.id, { passwordHash, mustChangePassword: false });
        const sessionsEnded = await repo.endOtherSessions(tx, user.id, options.keepSession);
        const revoked = options.revokeTokens ? await repo.revokeTokens(tx, user.id, clock()) : [];
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'user',
          entityId: user.id,
          detail: { changed: ['password'], sessionsEnded, tokensRevoked: revoked.length },
        });
        for (const id of revoked)
          await audit.record(tx, { actor, operation: 'erase', entity: 'api_token', entityId: id, detail: { username: user.username } });
      });
    },

    /** Admin: name, OCU, unit and roles; role changes are audited with before and after. */
    async updateProfile(actor: Actor, id: string, profile: Profile) {
      const user = await mustFind(id);
      const rolesGranted = profile.roles.filter((r) => !user.roles.includes(r));
      const rolesRemoved = user.roles.filter((r) => !profile.roles.includes(r));
      // Separation of duties: an admin holds no case role unless a second admin grants it (README),
      // and cannot remove their own admin role either.
      if (!mayChangeRolesOf(actor, user) && (rolesGranted.length || rolesRemoved.length)) throw new Forbidden(OWN_ROLES_MESSAGE);
      await db.transaction(async (tx) => {
        await repo.update(tx, id, {
          displayName: profile.displayName,
          ocu: profile.ocu || null,
          unit: profile.unit || null,
          roles: profile.roles,
        });
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'user',
          entityId: id,
          detail: {
            username: user.username,
            rolesBefore: user.roles,
            rolesAfter: profile.roles,
            rolesGranted,
            rolesRemoved,
            profileBefore: { displayName: user.displayName, ocu: user.ocu, unit: user.unit },
          },
        });
      });
    },

    async setActive(actor: Actor, id: string, active: boolean) {
      const user = await mustFind(id);
      if (!mayDeactivate(actor, user) && !active)
        throw new ValidationFailed([{ path: 'active', message: 'You cannot deactivate your own account' }]);
      await db.transaction(async (tx) => {
        await repo.update(tx, id, { active, failedSignIns: 0, lockedUntil: null });
        if (!active) await repo.endAccess(tx, id, clock());
        await audit.record(tx, { actor, operation: 'alter', entity: 'user', entityId: id, detail: { username: user.username, active } });
      });
    },

    /** Prints once; only the hash is kept. */
    async createToken(actor: Actor | null, username: string) {
      const user = await repo.byUsername(db, username);
      if (!user) throw new NotFound(`No user called ${username}`);
      if (!user.active) throw new ValidationFailed([{ path: 'username', message: `${username} is deactivated` }]);
      const token = `rd_${randomSecret(32)}`;
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiTokens)
          .values({ userId: user.id, tokenHash: sha256(token) })
          .returning({ id: apiTokens.id });
        await audit.record(tx, { actor, operation: 'collect', entity: 'api_token', entityId: row!.id, detail: { username } });
        return row!.id;
      });
      return { id, token };
    },

    async revokeTokens(actor: Actor | null, username: string, tokenId?: string) {
      const user = await repo.byUsername(db, username);
      if (!user) throw new NotFound(`No user called ${username}`);
      return db.transaction(async (tx) => {
        const revoked = await tx
          .update(apiTokens)
          .set({ revokedAt: clock() })
          .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt), tokenId ? eq(apiTokens.id, tokenId) : undefined))
          .returning({ id: apiTokens.id });
        for (const r of revoked)
          await audit.record(tx, { actor, operation: 'erase', entity: 'api_token', entityId: r.id, detail: { username } });
        return revoked.length;
      });
    },
  };
}
