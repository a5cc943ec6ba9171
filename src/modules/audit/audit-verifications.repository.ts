import { desc } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditVerifications } from '../../db/schema/index.js';

export type AuditCheck = typeof auditVerifications.$inferSelect;

/** The stored results of the scheduled checks of the audit chain (issue 11). */
export const auditVerificationsRepository = {
  async add(db: DbOrTx, check: Omit<AuditCheck, 'id'>) {
    await db.insert(auditVerifications).values(check);
  },

  async latest(db: DbOrTx): Promise<AuditCheck | null> {
    const [row] = await db.select().from(auditVerifications).orderBy(desc(auditVerifications.finishedAt)).limit(1);
    return row ?? null;
  },
};
