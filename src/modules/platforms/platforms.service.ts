import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { platforms } from '../../db/schema/index.js';
import type { Actor } from '../../domain/actor.js';
import { NotFound, ValidationFailed } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NewPlatformForm, PlatformForm } from './platforms.schemas.js';
import { PLATFORM_SEED } from './platforms.seed.js';

export type PlatformRow = typeof platforms.$inferSelect;

/** The platform directory (SOP 4.1.4, 10.5). */
export function createPlatformsService(db: Db, audit: AuditService) {
  return {
    /** Adds any seeded platform that is missing; never overwrites an admin's edits. */
    async seed() {
      await db.transaction(async (tx) => {
        const added = await tx.insert(platforms).values(PLATFORM_SEED).onConflictDoNothing().returning({ key: platforms.key });
        if (added.length)
          await audit.record(tx, { actor: null, operation: 'collect', entity: 'platform', detail: { seeded: added.map((a) => a.key) } });
      });
    },
    list: () => db.select().from(platforms).orderBy(asc(platforms.sortOrder), asc(platforms.name)),

    async find(key: string) {
      const [row] = await db.select().from(platforms).where(eq(platforms.key, key));
      if (!row) throw new NotFound('No such platform');
      return row;
    },

    /** SOP 4.1.4: "not exclusive to" the nine; an admin adds others. One transaction with its `collect` entry. */
    async create(actor: Actor, input: NewPlatformForm) {
      return db.transaction(async (tx) => {
        const [{ next }] = (await tx.select({ next: sql<number>`coalesce(max(${platforms.sortOrder}), 0)::int + 1` }).from(platforms)) as [
          { next: number },
        ];
        const [row] = await tx
          .insert(platforms)
          .values({ ...input, sortOrder: next })
          .onConflictDoNothing()
          .returning();
        if (!row) throw new ValidationFailed([{ path: 'key', message: `A platform with the key ${input.key} already exists` }]);
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'platform',
          entityId: row.key,
          detail: { name: row.name, channel: row.channel, clauses: row.clauses.map((c) => c.key), hosts: row.hosts },
        });
        return row;
      });
    },

    /**
     * SOP 10.5: an admin keeps the directory current. One transaction with an `alter` entry naming
     * what changed. Removing a clause that platform referrals already cite is allowed: they keep
     * the key they cited (history is not rewritten), and new reviews can no longer choose it.
     */
    async update(actor: Actor, key: string, input: PlatformForm) {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(platforms).where(eq(platforms.key, key)).for('update');
        if (!before) throw new NotFound('No such platform');
        const changed = changes(before, input);
        if (!Object.keys(changed).length) return before;
        const [row] = await tx.update(platforms).set(input).where(eq(platforms.key, key)).returning();
        await audit.record(tx, { actor, operation: 'alter', entity: 'platform', entityId: key, detail: changed });
        return row!;
      });
    },
  };
}

/** What an edit changes, for the audit entry: old and new values; clause keys added and removed; the template only as changed. */
function changes(before: PlatformRow, after: PlatformForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ['name', 'channel', 'contact', 'termsUrl', 'guidelinesUrl'] as const)
    if ((before[f] ?? null) !== (after[f] ?? null)) out[f] = { from: before[f] ?? null, to: after[f] ?? null };
  if (before.hosts.join('\n') !== after.hosts.join('\n')) out.hosts = { from: before.hosts, to: after.hosts };
  const oldKeys = before.clauses.map((c) => c.key);
  const newKeys = after.clauses.map((c) => c.key);
  if (JSON.stringify(before.clauses) !== JSON.stringify(after.clauses))
    out.clauses = {
      added: newKeys.filter((k) => !oldKeys.includes(k)),
      removed: oldKeys.filter((k) => !newKeys.includes(k)),
      retitled: after.clauses.filter((c) => before.clauses.some((b) => b.key === c.key && b.title !== c.title)).map((c) => c.key),
    };
  if (before.template !== after.template) out.template = 'changed';
  return out;
}

export type PlatformsService = ReturnType<typeof createPlatformsService>;

/**
 * A clause's title from the directory (SOP 9.4), for every page that names a breach: people
 * read "Violent criminal organisations", not `violent_orgs`. A key no longer in the directory
 * (an admin removed the clause since) shows as recorded.
 */
export const clauseTitleOf = (directory: readonly PlatformRow[], platform: string, key: string) =>
  directory.find((p) => p.key === platform)?.clauses.find((c) => c.key === key)?.title ?? key;
