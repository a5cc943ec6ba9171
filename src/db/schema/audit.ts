import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AuditOperation } from '../../domain/vocabulary.js';

/**
 * Append-only, hash-chained (DESIGN.md principle 3). Each row's hash covers its own fields
 * and the previous row's hash; `audit verify` recomputes the chain.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actorId: uuid('actor_id'),
    actorUsername: text('actor_username'),
    operation: text('operation').$type<AuditOperation>().notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    purpose: text('purpose'),
    recipient: text('recipient'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorUsername, t.seq),
    index('audit_log_entity_idx').on(t.entity, t.entityId),
  ],
);

/** The chain's head, moved in the same transaction as each append, so a truncated tail is detected. */
export const auditHead = pgTable('audit_head', {
  id: text('id').primaryKey().default('head'),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
