import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { StoredLink } from '../../domain/audit-chain.js';
import { auditHead, auditLog, referrals } from '../../db/schema/index.js';
import type { AuditOperation } from '../../domain/vocabulary.js';

type AuditRow = typeof auditLog.$inferSelect;

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

/** An entry to append: its fields, and `tail`, its payload after the seq (`chainTail`). */
export type AppendedEntry = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'> & { tail: string };

/** The append as one statement; exported for the bench's ceiling B, which writes what intake writes. */
export function appendStatement(e: AppendedEntry): SQL {
  return sql`
    with head as (select seq, hash from ${auditHead} where id = 'head' for update),
    entry as (
      select head.seq + 1 as seq, head.hash as prev_hash,
             encode(sha256(convert_to(head.hash || ${'\n['} || (head.seq + 1)::text || ',' || ${e.tail}, 'UTF8')), 'hex') as hash
        from head),
    appended as (
      insert into ${auditLog} (seq, at, actor_id, actor_username, operation, entity, entity_id, purpose, recipient, detail, prev_hash, hash)
      select entry.seq, ${e.at.toISOString()}::timestamptz, ${e.actorId}, ${e.actorUsername}, ${e.operation}, ${e.entity}, ${e.entityId},
             ${e.purpose}, ${e.recipient}, ${e.detail === null ? null : JSON.stringify(e.detail)}::jsonb, entry.prev_hash, entry.hash
        from entry
      returning seq, hash)
    update ${auditHead} set seq = appended.seq, hash = appended.hash from appended where ${auditHead.id} = 'head'
    returning ${auditHead.seq}`;
}

/**
 * The entries matching `condition`, in chain order, for verification: the columns the chain covers
 * and its two hashes, aggregated by the database into one JSON text, so that neither driver builds
 * (and the embedded one parses, field by field) a row per entry (issue 4).
 */
async function linksWhere(db: DbOrTx, condition: SQL): Promise<StoredLink[]> {
  const { rows } = await db.execute<{ links: string }>(sql`
    select coalesce(json_agg(json_build_array(
      seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), actor_id, actor_username,
      operation, entity, entity_id, purpose, recipient, detail, prev_hash, hash) order by seq)::text, '[]') as links
    from ${auditLog} where ${condition}`);
  return JSON.parse(rows[0]!.links) as StoredLink[];
}

export function createAuditRepository() {
  return {
    /**
     * Appends an entry in one statement (decision 008): it locks the chain's head, takes the next
     * seq, completes the entry's payload with the head's hash and that seq, hashes it (SHA-256, as
     * `chainHash` does; `audit verify` recomputes every hash in JS) and moves the head. The head is
     * held from this statement to commit, not across round trips (issue 4).
     */
    async append(tx: DbOrTx, entry: AppendedEntry) {
      const { rows } = await tx.execute(appendStatement(entry));
      if (!rows.length) throw new Error('audit_head is missing: run the migrations');
    },

    head: async (db: DbOrTx) => (await db.select().from(auditHead).where(eq(auditHead.id, 'head')))[0],

    /**
     * The entries with `after < seq <= upTo`, in chain order (a range, not a keyset page, so that
     * `verify` can ask for the next ranges before it has read this one).
     */
    linksBetween: (db: DbOrTx, after: number, upTo: number) => linksWhere(db, sql`seq > ${after} and seq <= ${upTo}`),

    /** The first entry after `seq`, wherever it is: what follows a gap, or nothing at the end. */
    async linkAfter(db: DbOrTx, seq: number): Promise<StoredLink | undefined> {
      return (await linksWhere(db, sql`seq = (select min(seq) from ${auditLog} where seq > ${seq})`))[0];
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

    /** The references of these referrals, by id, in one query; a referral deleted since has none. */
    async referralReferences(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await db
        .select({ id: referrals.id, reference: referrals.reference })
        .from(referrals)
        .where(inArray(referrals.id, [...ids]));
      return new Map(rows.map((r) => [r.id, r.reference]));
    },
  };
}
