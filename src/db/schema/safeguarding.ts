import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SafeguardingAction, SafeguardingStage } from '../../domain/vocabulary.js';
import { referrals } from './referrals.js';
import { users } from './users.js';

/**
 * Safeguarding answers (DESIGN.md "Safeguarding"; SOP 9.2.7): the requester's at intake and the
 * reviewer's at each review that needed one. Appended, never changed: a later review adds its own.
 * `detail` may name a person or a team's reference, so it is shown to the unit and never copied
 * into the audit log.
 */
export const referralSafeguarding = pgTable(
  'referral_safeguarding',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    stage: text('stage').$type<SafeguardingStage>().notNull(),
    action: text('action').$type<SafeguardingAction>().notNull(),
    /** To whom it was referred and their reference, or why it was not needed. */
    detail: text('detail').notNull(),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('referral_safeguarding_referral_idx').on(t.referralId, t.recordedAt)],
);
