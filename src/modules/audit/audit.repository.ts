import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditHead, auditLog, type AuditOperation } from '../../db/schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;

export type AuditFilter = {
  actor?: string;
  entity?: string;
  entityId?: string;
  operation?: AuditOperation;
  from?: Date;
  /** exclusive */
  to?: Date;
};

function where(f: AuditFilter): SQL | undefined {
  return and(
    f.actor ? eq(auditLog.actorUsername, f.actor) : undefined,
    f.entity ? eq(auditLog.entity, f.entity) : undefined,
    f.entityId ? eq(auditLog.entityId, f.entityId) : undefined,
    f.operation ? eq(auditLog.operation, f.operation) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
  );
}

/** What `verify` reads of an entry (domain/audit-chain.ts `checkLink`). */
const chainColumns = {
  seq: auditLog.seq,
  at: auditLog.at,
  actorId: auditLog.actorId,
  actorUsername: auditLog.actorUsername,
  operation: auditLog.operation,
  entity: auditLog.entity,
  entityId: auditLog.entityId,
  purpose: auditLog.purpose,
  recipient: auditLog.recipient,
  detail: auditLog.detail,
  prevHash: auditLog.prevHash,
  hash: auditLog.hash,
};

export function createAuditRepository() {
  return {
    /** Locks the chain's head row until the transaction ends, so appends are serialised. */
    async lockHead(tx: DbOrTx) {
      const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 'head')).for('update');
      if (!head) throw new Error('audit_head is missing: run the migrations');
      return head;
    },

    async append(tx: DbOrTx, row: AuditRow) {
      await tx.insert(auditLog).values(row);
      await tx.update(auditHead).set({ seq: row.seq, hash: row.hash }).where(eq(auditHead.id, 'head'));
    },

    head: async (db: DbOrTx) => (await db.select().from(auditHead).where(eq(auditHead.id, 'head')))[0],

    /** Keyset page in chain order, for verification: only the columns the chain covers and its two hashes. */
    afterSeq: (db: DbOrTx, seq: number, limit: number) =>
      db.select(chainColumns).from(auditLog).where(gt(auditLog.seq, seq)).orderBy(asc(auditLog.seq)).limit(limit),

    async page(db: DbOrTx, f: AuditFilter, page: number, pageSize: number) {
      const w = where(f);
      const [items, [count]] = await Promise.all([
        db
          .select()
          .from(auditLog)
          .where(w)
          .orderBy(desc(auditLog.seq))
          .limit(pageSize)
          .offset((page - 1) * pageSize),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(auditLog)
          .where(w),
      ]);
      return { items, total: count?.n ?? 0 };
    },
  };
}
