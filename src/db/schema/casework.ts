import { boolean, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type {
  Channel,
  ContentFormat,
  FinalDecision,
  FirstDecision,
  PlatformReferralStatus,
  ReviewFactor,
  ReviewOutcome,
} from '../../domain/vocabulary.js';
import { platforms } from './platforms.js';
import { referrals } from './referrals.js';
import { users } from './users.js';

/**
 * A review and assessment (SOP 9, 8.6). A referral returned by QA is reviewed again, so a
 * referral may have several; the latest one stands.
 */
export const reviews = pgTable(
  'reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    reviewerId: uuid('reviewer_id')
      .notNull()
      .references(() => users.id),
    contentFormat: text('content_format').$type<ContentFormat>().notNull(),
    /** The factors found, each with the operative's note (SOP 9.2). */
    factors: jsonb('factors').$type<{ factor: ReviewFactor; note: string }[]>().notNull(),
    /** SOP 9.3: a summary and references to police indices, never copies of intelligence. */
    researchSummary: text('research_summary').notNull(),
    researchReferences: text('research_references'),
    reviewedOn: date('reviewed_on').notNull(),
    outcome: text('outcome').$type<ReviewOutcome>().notNull(),
    rationale: text('rationale').notNull(),
    /** DESIGN.md "Domain library" (SOP 10.8): musical content enters the library when a platform removes it. */
    musical: boolean('musical').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('reviews_referral_idx').on(t.referralId, t.createdAt)],
);

/** One per platform the content is referred to (SOP 10). */
export const platformReferrals = pgTable(
  'platform_referrals',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    platform: text('platform')
      .notNull()
      .references(() => platforms.key),
    status: text('status').$type<PlatformReferralStatus>().notNull(),
    /** SOP 10.7: the platform said no and the unit recorded why it will not appeal. */
    notAppealed: boolean('not_appealed').notNull().default(false),
    termsBreached: text('terms_breached').array().notNull(),
    draft: text('draft').notNull(),
    channel: text('channel').$type<Channel>(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    externalReference: text('external_reference'),
    decision: text('decision').$type<FirstDecision>(),
    decidedOn: date('decided_on'),
    appealReason: text('appeal_reason'),
    appealedAt: timestamp('appealed_at', { withTimezone: true }),
    finalDecision: text('final_decision').$type<FinalDecision>(),
    finalDecidedOn: date('final_decided_on'),
  },
  (t) => [primaryKey({ columns: [t.referralId, t.platform] }), index('platform_referrals_status_idx').on(t.platform, t.status)],
);

/** SOP 10.4: the record for the force intelligence system, graded 3x5x2, made on QA approval. */
export const intelligenceRecords = pgTable('intelligence_records', {
  referralId: uuid('referral_id')
    .primaryKey()
    .references(() => referrals.id, { onDelete: 'cascade' }),
  contentTitle: text('content_title').notNull(),
  contentUrl: text('content_url').notNull(),
  platforms: text('platforms').array().notNull(),
  rationale: text('rationale').notNull(),
  summary: text('summary').notNull(),
  breach: text('breach').notNull(),
  sourceEvaluation: text('source_evaluation').notNull(),
  intelligenceAssessment: text('intelligence_assessment').notNull(),
  handlingCode: text('handling_code').notNull(),
  handlingConditions: text('handling_conditions'),
  /** The force intelligence system's own reference, recorded back (SOP 10.4). */
  forceReference: text('force_reference'),
  /** SOP 10.6: each platform's decision, added as it comes. */
  decisions: jsonb('decisions').$type<{ platform: string; decision: string; on: string }[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
});
