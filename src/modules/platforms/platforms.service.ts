import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { platforms } from '../../db/schema/index.js';
import type { AuditService } from '../audit/audit.service.js';
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
  };
}

export type PlatformsService = ReturnType<typeof createPlatformsService>;
