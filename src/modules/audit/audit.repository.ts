import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { StoredLink } from '../../domain/audit-chain.js';
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

export function createAuditRepository() {
  return {
    /** Locks the chain's head row until the transaction ends, so appends are serialised. */
    async lockHead(tx: DbOrTx) {
      const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 'head')).for('update');
      if (!head) throw new Error('audit_head is missing: run the migrations');
      return head;
    },

    /**
     * The entry and the head's move as one statement: the head row is locked from `lockHead` to
     * commit, so every round trip saved here is time no other writer waits (issue 4).
     */
    async append(tx: DbOrTx, row: AuditRow) {
      await tx.execute(sql`
        with appended as (
          insert into ${auditLog} (seq, at, actor_id, actor_username, operation, entity, entity_id, purpose, recipient, detail, prev_hash, hash)
          values (${row.seq}, ${row.at.toISOString()}::timestamptz, ${row.actorId}, ${row.actorUsername}, ${row.operation}, ${row.entity},
            ${row.entityId}, ${row.purpose}, ${row.recipient}, ${row.detail === null ? null : JSON.stringify(row.detail)}::jsonb, ${row.prevHash}, ${row.hash})
        )
        update ${auditHead} set seq = ${row.seq}, hash = ${row.hash} where id = 'head'`);
    },

    head: async (db: DbOrTx) => (await db.select().from(auditHead).where(eq(auditHead.id, 'head')))[0],

    /**
     * The entries with `after < seq <= upTo`, in chain order (a range, not a keyset page, so that
     * `verify` can ask for the next ranges before it has read this one): the columns the chain
     * covers and its two hashes, aggregated by the database into one JSON text per range, so that
     * neither driver builds (and the embedded one parses, field by field) a row per entry (issue 4).
     */
    async linksBetween(db: DbOrTx, after: number, upTo: number): Promise<StoredLink[]> {
      const { rows } = await db.execute<{ links: string }>(sql`
        select coalesce(json_agg(json_build_array(
          seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), actor_id, actor_username,
          operation, entity, entity_id, purpose, recipient, detail, prev_hash, hash) order by seq)::text, '[]') as links
        from ${auditLog} where seq > ${after} and seq <= ${upTo}`);
      return JSON.parse(rows[0]!.links) as StoredLink[];
    },

    /** The first entry after `seq`, wherever it is: what follows a gap, or nothing at the end. */
    async linkAfter(db: DbOrTx, seq: number): Promise<StoredLink | undefined> {
      const { rows } = await db.execute<{ seq: number }>(sql`select seq from ${auditLog} where seq > ${seq} order by seq limit 1`);
      const next = rows[0] ? Number(rows[0].seq) : undefined;
      return next === undefined ? undefined : (await this.linksBetween(db, next - 1, next))[0];
    },

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
