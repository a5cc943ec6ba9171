/**
 * The system's vocabulary: every closed list of codes (statuses, outcomes, roles, formats,
 * channels, factors, age bands, …) and its type, defined here once. The database schema, the
 * zod schemas, the rules and the pages all take them from here (issue 11: the domain imports
 * nothing from the database; the schema imports its vocabulary from the domain).
 */

/** DESIGN.md "Roles": a person may hold several. */
export const ROLES = ['requester', 'operative', 'sergeant', 'inspector', 'authorising_officer', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** DESIGN.md "Referral life cycle". */
export const REFERRAL_STATUSES = ['submitted', 'in_review', 'awaiting_qa', 'referred', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** Set exactly when a referral is closed. */
export const REFERRAL_OUTCOMES = ['no_further_action', 'withdrawn', 'removed', 'not_removed', 'partially_removed'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

/** SOP 8.3.3 */
export const INCIDENT_SYSTEMS = ['CONNECT', 'CAD', 'CRIS', 'CRIMINT', 'MERLIN', 'APMIS'] as const;
export type IncidentSystem = (typeof INCIDENT_SYSTEMS)[number];
/** DPA 2018 s.38(3) */
export const SUBJECT_CATEGORIES = ['suspect', 'victim', 'witness', 'other'] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];
/** Always recorded, never blank, so that children are never included silently (DESIGN.md "Subject"). */
export const AGE_BANDS = ['under_13', '13_15', '16_17', '18_24', '25_plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/**
 * Equality monitoring (Equality Act 2010 s.149): the 19 GSS harmonised ethnicity categories of the 2021
 * census, in its order, or not stated (DESIGN.md "Data protection and fairness").
 */
export const ETHNICITIES = [
  'white_british',
  'white_irish',
  'white_gypsy_irish_traveller',
  'white_roma',
  'white_other',
  'mixed_white_black_caribbean',
  'mixed_white_black_african',
  'mixed_white_asian',
  'mixed_other',
  'asian_indian',
  'asian_pakistani',
  'asian_bangladeshi',
  'asian_chinese',
  'asian_other',
  'black_caribbean',
  'black_african',
  'black_other',
  'other_arab',
  'other_any',
  'not_stated',
] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

/** Who defined the ethnicity recorded: the person themselves, or the officer who observed them. */
export const ETHNICITY_RECORDED_AS = ['self_defined', 'officer_observed'] as const;
export type EthnicityRecordedAs = (typeof ETHNICITY_RECORDED_AS)[number];

export const SEXES = ['female', 'male', 'not_stated'] as const;
export type Sex = (typeof SEXES)[number];

/** SOP 8.6.6 */
export const CONTENT_FORMATS = ['video', 'audio', 'image', 'text', 'livestream', 'other'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];

/** SOP 9.2.1-9.2.7, in the SOP's order. */
export const REVIEW_FACTORS = [
  'gang_affiliated_subjects',
  'prior_incidents_between_groups',
  'inflammatory_language',
  'humiliation',
  'public_safety_disorder',
  'illegal_commodity_sales',
  'exploitation_concern',
] as const;
export type ReviewFactor = (typeof REVIEW_FACTORS)[number];

/** SOP 8.6.2, 10.3: the outcome of a review. */
export const REVIEW_OUTCOMES = ['refer', 'no_further_action'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** SOP 10.2: a sergeant's QA decision. */
export const QA_DECISIONS = ['approve', 'return'] as const;
export type QaDecision = (typeof QA_DECISIONS)[number];

/** SOP 10.5: the three channels platforms operate. */
export const CHANNELS = ['trusted_flagger', 'mailbox', 'individual'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * One platform referral (SOP 10). `drafted` → QA `approved` → `submitted` (10.5) → the platform's
 * decision (10.6) `removed` | `not_removed` → (10.7) `appealed` → `removed` | `upheld`, or not
 * appealed: the status stays `not_removed` and `notAppealed` is set (domain/lifecycle.ts `isFinal`).
 */
export const PLATFORM_REFERRAL_STATUSES = ['drafted', 'approved', 'submitted', 'removed', 'not_removed', 'appealed', 'upheld'] as const;
export type PlatformReferralStatus = (typeof PLATFORM_REFERRAL_STATUSES)[number];

/** What a platform's first decision (SOP 10.6) and, after an appeal, its final word (10.7) may be. */
export const PLATFORM_DECISIONS = ['removed', 'not_removed', 'upheld'] as const;
export type PlatformDecision = (typeof PLATFORM_DECISIONS)[number];
/** SOP 10.6: the platform's first answer. */
export type FirstDecision = Exclude<PlatformDecision, 'upheld'>;
/** SOP 10.7: its answer to an appeal. */
export type FinalDecision = Exclude<PlatformDecision, 'not_removed'>;

/** What was done about a safeguarding concern: referred to a safeguarding team, already known to one, or not needed (with why). */
export const SAFEGUARDING_ACTIONS = ['referred', 'already_known', 'not_needed'] as const;
export type SafeguardingAction = (typeof SAFEGUARDING_ACTIONS)[number];

/** When a safeguarding answer was given: by the requester at intake, or by the unit's reviewer (SOP 9). */
export const SAFEGUARDING_STAGES = ['intake', 'review'] as const;
export type SafeguardingStage = (typeof SAFEGUARDING_STAGES)[number];

/** The timeline's name for what the life cycle did (past tense, as the intake's `withdrawn`). */
export type EventAction =
  | 'claimed'
  | 'assigned'
  | 'withdrawn'
  | 'reviewed_no_further_action'
  | 'reviewed_refer'
  | 'qa_approved'
  | 'qa_returned'
  | 'platform_submitted'
  | 'platform_removed'
  | 'platform_not_removed'
  | 'platform_upheld'
  | 'appeal_made'
  | 'appeal_not_made';

/** DPA 2018 s.62 operations, plus the sign-in events the unit logs too. */
export const AUDIT_OPERATIONS = [
  'collect',
  'alter',
  'consult',
  'disclose',
  'combine',
  'erase',
  'sign_in',
  'sign_in_failed',
  'sign_out',
] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

/** DESIGN.md "Evidence": a URL capture is `pending` until fetched; an upload is `stored` at once. */
export const CAPTURE_STATUSES = ['pending', 'stored', 'failed'] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];
/** Where a capture came from: a file uploaded by the unit, or fetched from a URL. */
export const CAPTURE_SOURCES = ['upload', 'url'] as const;
export type CaptureSource = (typeof CAPTURE_SOURCES)[number];
/** SOP 9.1: the analysis of a capture's audio and video tracks. */
export const ANALYSIS_STATUSES = ['pending', 'done', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/** What happened to a Domain library entry, on its history (SOP 10.8; CPIA 1996 holds). */
export const LIBRARY_EVENTS = ['entered', 'hold_placed', 'hold_reviewed', 'hold_released'] as const;
export type LibraryEvent = (typeof LIBRARY_EVENTS)[number];

/** DESIGN.md "Persona register": requested → active or refused; active ⇄ suspended; → retired. */
export const PERSONA_STATUSES = ['requested', 'refused', 'active', 'suspended', 'retired'] as const;
export type PersonaStatus = (typeof PERSONA_STATUSES)[number];
/** What a persona keeps sealed (issue 14 point 3): never in a list, export, log or audit entry. */
export const PERSONA_SECRET_KINDS = ['password', 'recovery_codes', 'notes'] as const;
export type PersonaSecretKind = (typeof PERSONA_SECRET_KINDS)[number];
/** A review's decision (issue 14 point 5). */
export const PERSONA_REVIEW_DECISIONS = ['continue', 'suspend', 'retire'] as const;
export type PersonaReviewDecision = (typeof PERSONA_REVIEW_DECISIONS)[number];
