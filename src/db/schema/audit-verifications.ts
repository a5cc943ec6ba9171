import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Each nightly check of the audit chain (issue 11): when it ran, and whether the chain was intact
 * or where it first broke. Only the sequence number and a fixed description are kept: no personal data.
 */
export const auditVerifications = pgTable(
  'audit_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    ok: boolean('ok').notNull(),
    /** Entries verified (before the fault, when there is one). */
    entries: integer('entries').notNull(),
    faultSeq: bigint('fault_seq', { mode: 'number' }),
    faultProblem: text('fault_problem'),
  },
  (t) => [index('audit_verifications_finished_idx').on(t.finishedAt)],
);
