import { boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { PersonaReviewDecision, PersonaSecretKind, PersonaStatus } from '../../domain/vocabulary.js';
import { referrals } from './referrals.js';
import { users } from './users.js';

/**
 * The false-persona register (FOI 003; DESIGN.md "Persona register"; issue 14): the register's ten
 * columns, the request's justification and the authorisation. The password and other secrets are
 * never here: they are sealed in `persona_secrets` with a key kept outside the database.
 */
export const personas = pgTable(
  'personas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    website: text('website').notNull(),
    yearJoined: integer('year_joined').notNull(),
    userName: text('user_name').notNull(),
    emailAddress: text('email_address').notNull(),
    dateOfBirthUsed: date('date_of_birth_used'),
    phoneNumber: text('phone_number'),
    justification: text('justification').notNull(),
    creatorId: uuid('creator_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    status: text('status').$type<PersonaStatus>().notNull(),
    // The authorisation (a DI or equivalent, never the creator) or the refusal, with its reason.
    authorisingOfficerId: uuid('authorising_officer_id').references(() => users.id),
    authorisedAt: timestamp('authorised_at', { withTimezone: true }),
    authorisationReason: text('authorisation_reason'),
    /** The next review of necessity and proportionality; a use after it is refused until reviewed. */
    reviewDueOn: date('review_due_on'),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    retiredBy: uuid('retired_by').references(() => users.id),
    retirementReason: text('retirement_reason'),
  },
  (t) => [index('personas_status_idx').on(t.status, t.reviewDueOn), index('personas_created_idx').on(t.createdAt, t.id)],
);

/**
 * A persona's secrets (its password, recovery codes, notes), each sealed with AES-256-GCM under
 * PERSONA_KEY (or DATA_DIR/persona.key), bound to the persona and the kind; `keyId` names the key
 * that sealed it, so a rotation can tell what it has done.
 */
export const personaSecrets = pgTable(
  'persona_secrets',
  {
    personaId: uuid('persona_id')
      .notNull()
      .references(() => personas.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<PersonaSecretKind>().notNull(),
    /** base64 of nonce | ciphertext | tag. */
    sealed: text('sealed').notNull(),
    keyId: text('key_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personaId, t.kind] })],
);

/** Every change of a persona's status, with who and why (requested, authorised or refused, suspended, reinstated, retired). */
export const personaStatusHistory = pgTable(
  'persona_status_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personaId: uuid('persona_id')
      .notNull()
      .references(() => personas.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    fromStatus: text('from_status').$type<PersonaStatus>(),
    toStatus: text('to_status').$type<PersonaStatus>().notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    reason: text('reason'),
  },
  (t) => [index('persona_status_history_idx').on(t.personaId, t.at)],
);

/** Who may use a persona (DESIGN.md "Roles": operatives use assigned personas); its creator from the start. */
export const personaAssignments = pgTable(
  'persona_assignments',
  {
    personaId: uuid('persona_id')
      .notNull()
      .references(() => personas.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    assignedBy: uuid('assigned_by').references(() => users.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personaId, t.userId] }), index('persona_assignments_user_idx').on(t.userId)],
);

/**
 * The use log (FOI 003: the time, date, user and policing purpose of each use), append-only: a
 * use is recorded before the persona is used. The repeated-viewing prompt (RIPA 2000) and the
 * user's answer are kept with the use that raised it.
 */
export const personaUses = pgTable(
  'persona_uses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personaId: uuid('persona_id')
      .notNull()
      .references(() => personas.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose').notNull(),
    referralId: uuid('referral_id').references(() => referrals.id, { onDelete: 'set null' }),
    investigationReference: text('investigation_reference'),
    /** Optional: the profile or person viewed, and its normalised form the repeated-viewing rule counts by. */
    subject: text('subject'),
    subjectKey: text('subject_key'),
    repeatedViewingPrompted: boolean('repeated_viewing_prompted').notNull().default(false),
    repeatedViewingAnswer: text('repeated_viewing_answer'),
  },
  (t) => [
    index('persona_uses_persona_idx').on(t.personaId, t.at),
    index('persona_uses_user_idx').on(t.userId, t.at),
    index('persona_uses_referral_idx').on(t.referralId, t.at),
    index('persona_uses_subject_idx').on(t.subjectKey, t.at),
  ],
);

/** A periodic review of a persona's necessity and proportionality, and its decision. */
export const personaReviews = pgTable(
  'persona_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personaId: uuid('persona_id')
      .notNull()
      .references(() => personas.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    reviewerId: uuid('reviewer_id')
      .notNull()
      .references(() => users.id),
    necessity: text('necessity').notNull(),
    proportionality: text('proportionality').notNull(),
    decision: text('decision').$type<PersonaReviewDecision>().notNull(),
    nextReviewOn: date('next_review_on'),
  },
  (t) => [index('persona_reviews_idx').on(t.personaId, t.at)],
);
