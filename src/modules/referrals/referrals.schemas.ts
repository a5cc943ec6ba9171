import { normaliseReference } from '../../domain/referral-reference.js';
import { z } from 'zod';
import { repeats } from '../../schemas/lists.js';
import { pagedAnswer, pagingQuery } from '../../schemas/paging.js';
import { plainText } from '../../schemas/text.js';
import { isRealDate } from '../../domain/dates.js';
import { isHttpUrl } from '../../domain/content-url.js';
import {
  AGE_BANDS,
  ETHNICITIES,
  ETHNICITY_RECORDED_AS,
  INCIDENT_SYSTEMS,
  SEXES,
  REFERRAL_OUTCOMES,
  REFERRAL_STATUSES,
  SAFEGUARDING_ACTIONS,
  SAFEGUARDING_STAGES,
  SUBJECT_CATEGORIES,
  type ReferralStatus,
  CHANNELS,
  PLATFORM_REFERRAL_STATUSES,
} from '../../domain/vocabulary.js';

/**
 * The one referral schema: the API validates with it, every intake question page validates with
 * a pick of it, and the OpenAPI document is generated from it. "Not in the future" depends on
 * today's date in London: the schemas take the clock's day and read it at each validation, so that
 * one schema, built once, serves a route for as long as the app runs.
 */

export const LIMITS = {
  contentTitle: 300,
  contentUrl: 2_048,
  rationale: 5_000,
  incidentReference: 60,
  incidentReferences: 10,
  platforms: 50,
  subjects: 20,
  subjectName: 120,
  safeguardingDetail: 2_000,
  withdrawReason: 1_000,
} as const;

export type AgeBand = (typeof AGE_BANDS)[number];

/** Whole years between a date of birth and today (both YYYY-MM-DD). */
function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

function ageBandFor(age: number): Exclude<AgeBand, 'unknown'> {
  if (age < 13) return 'under_13';
  if (age < 16) return '13_15';
  if (age < 18) return '16_17';
  if (age < 25) return '18_24';
  return '25_plus';
}

const AGE_BAND_TEXT: Record<AgeBand, string> = {
  under_13: 'under 13',
  '13_15': '13 to 15',
  '16_17': '16 or 17',
  '18_24': '18 to 24',
  '25_plus': '25 or over',
  unknown: 'not known',
};
export const ageBandText = (b: AgeBand) => AGE_BAND_TEXT[b];

/** Today's date in London, YYYY-MM-DD, read when a request is validated. */
export type Today = () => string;

/** A real calendar date, not after today (London). */
const pastDate = (today: Today, what: string) => {
  const What = `${what[0]!.toUpperCase()}${what.slice(1)}`;
  return (
    plainText({ error: `Enter ${what}` })
      .trim()
      .min(1, `Enter ${what}`)
      // The question pages always send this format; only an API caller can get it wrong.
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${What} must be in the format YYYY-MM-DD`)
      .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v), `${What} must be a real date`)
      .refine((v) => !isRealDate(v) || v <= today(), `${What} must be today or in the past`)
  );
};

/**
 * DESIGN.md "Safeguarding" (SOP 9.2.7): what was done about a child subject or a concern of
 * exploitation. The same shape at intake (optional) and at review (required when needed).
 */
export const safeguardingSchema = z
  .object({
    action: z
      .enum(SAFEGUARDING_ACTIONS, { error: 'Choose whether it has been referred, is already known, or is not needed' })
      .describe('referred (to a safeguarding team), already_known (to one), or not_needed'),
    detail: plainText({ error: 'Enter to whom it was referred and their reference, or why it is not needed' })
      .trim()
      .min(1, 'Enter to whom it was referred and their reference, or why it is not needed')
      .max(LIMITS.safeguardingDetail, `The safeguarding detail must be ${LIMITS.safeguardingDetail} characters or fewer`)
      .describe('To whom and their reference, or why it is not needed; shown to the unit, never to platforms'),
  })
  .describe('DESIGN.md "Safeguarding": what was done about a child subject or a concern of exploitation (SOP 9.2.7)');
export type SafeguardingInput = z.infer<typeof safeguardingSchema>;

/**
 * Equality monitoring (Equality Act 2010 s.149; issue 15 point 5; decision 025): optional, stored, and
 * never shown again but in the reports' aggregates. An ethnicity says who defined it; "not stated"
 * needs no one (the person may have declined, or the officer could not tell).
 */
const equalityFields = {
  ethnicity: z
    .enum(ETHNICITIES, { error: 'Choose an ethnic group from the list, or "Not stated"' })
    .optional()
    .describe('Optional: one of the 19 GSS categories of the 2021 census, or not_stated; never shown but in the equality report'),
  ethnicityRecordedAs: z
    .enum(ETHNICITY_RECORDED_AS, { error: 'Choose whether the person defined their ethnicity or an officer observed it' })
    .optional()
    .describe('Required with an ethnicity other than not_stated: self_defined or officer_observed'),
  sex: z
    .enum(SEXES, { error: 'Choose female, male or "Not stated"' })
    .optional()
    .describe('Optional; never shown but in the equality report'),
};

function checkEthnicityRecordedAs(s: { ethnicity?: string; ethnicityRecordedAs?: string }, ctx: z.RefinementCtx) {
  if (s.ethnicity && s.ethnicity !== 'not_stated' && !s.ethnicityRecordedAs)
    ctx.addIssue({
      code: 'custom',
      path: ['ethnicityRecordedAs'],
      message: 'Choose whether the person defined their ethnicity or an officer observed it',
    });
  if (s.ethnicityRecordedAs && !s.ethnicity)
    ctx.addIssue({ code: 'custom', path: ['ethnicity'], message: 'Choose an ethnic group, or leave out who defined it' });
}

export function referralSchemas(today: Today) {
  const incidentReference = z.object({
    system: z
      .enum(INCIDENT_SYSTEMS, { error: 'Choose the system the reference is from' })
      .describe('SOP 8.3.3: the police system the reference belongs to'),
    reference: plainText({ error: 'Enter the incident reference' })
      .trim()
      .min(1, 'Enter the incident reference')
      .max(LIMITS.incidentReference, `Incident reference must be ${LIMITS.incidentReference} characters or fewer`)
      .describe('The reference on that system'),
  });

  /** SOP 8.4.1; DPA 2018 s.38(3) categories. The age band is always recorded, never blank. */
  const subject = z
    .object({
      name: plainText({ error: 'Enter the name or online handle' })
        .trim()
        .min(1, 'Enter the name or online handle')
        .max(LIMITS.subjectName, `Name must be ${LIMITS.subjectName} characters or fewer`)
        .describe('Name or online handle'),
      category: z
        .enum(SUBJECT_CATEGORIES, { error: 'Choose how the subject is linked to the content' })
        .describe('DPA 2018 s.38(3): suspect, victim, witness or other'),
      ageBand: z
        .enum(AGE_BANDS, { error: 'Choose an age band, or "Not known"' })
        .describe('Always recorded, so that children are never included silently; "unknown" when not known'),
      dateOfBirth: pastDate(today, 'the date of birth').optional().describe('Optional, YYYY-MM-DD; must agree with the age band'),
      ...equalityFields,
    })
    .superRefine((s, ctx) => {
      checkEthnicityRecordedAs(s, ctx);
      const day = today();
      if (!s.dateOfBirth || !isRealDate(s.dateOfBirth) || s.dateOfBirth > day) return;
      const band = ageBandFor(ageOn(s.dateOfBirth, day));
      if (s.ageBand !== band)
        ctx.addIssue({
          code: 'custom',
          path: ['dateOfBirth'],
          message: `The date of birth makes the subject ${ageBandText(band)}, but the age band chosen is ${ageBandText(s.ageBand)}`,
        });
    });

  const newReferral = z.object({
    contentTitle: plainText({ error: 'Enter the title of the content' })
      .trim()
      .min(1, 'Enter the title of the content')
      .max(LIMITS.contentTitle, `Title must be ${LIMITS.contentTitle} characters or fewer`)
      .describe('SOP 8.3.4: the title of the content, as shown on the platform'),
    contentUrl: plainText({ error: 'Enter the content URL' })
      .trim()
      .min(1, 'Enter the content URL')
      .max(LIMITS.contentUrl, `URL must be ${LIMITS.contentUrl} characters or fewer`)
      .refine(isHttpUrl, 'Enter a URL starting with http:// or https://')
      .describe('SOP 8.3.5: the link to the content, http or https only'),
    platforms: z
      .array(plainText({ error: 'Choose a platform from the list' }).trim().min(1, 'Choose a platform from the list').max(40), {
        error: 'Choose at least one platform',
      })
      .min(1, 'Choose at least one platform')
      .max(LIMITS.platforms, { message: `Choose up to ${LIMITS.platforms} platforms`, abort: true })
      .superRefine((keys, ctx) => {
        for (const { index, item } of repeats(keys))
          ctx.addIssue({ code: 'custom', path: [index], message: `${item} is chosen more than once` });
      })
      .describe('SOP 8.3.6: platform directory keys hosting the content (GET /api/v1/platforms), at least one, each once'),
    contentUploadedOn: pastDate(today, 'the date the content was uploaded').describe('SOP 8.3.2: YYYY-MM-DD, not in the future'),
    incidentReferences: z
      .array(incidentReference)
      .max(LIMITS.incidentReferences, { message: `Enter up to ${LIMITS.incidentReferences} incident references`, abort: true })
      .default([])
      .describe('SOP 8.3.3: incident references where applicable; may be empty'),
    rationale: plainText({ error: 'Enter why you are referring this content' })
      .trim()
      .min(1, 'Enter why you are referring this content')
      .max(LIMITS.rationale, `Rationale must be ${LIMITS.rationale} characters or fewer`)
      .describe('SOP 8.3.7: why the content is referred to the team'),
    subjects: z
      .array(subject)
      .max(LIMITS.subjects, { message: `Enter up to ${LIMITS.subjects} subjects`, abort: true })
      .default([])
      .describe('SOP 8.4.1: subjects linked to the content, only where known; optional'),
    safeguarding: safeguardingSchema
      .optional()
      .describe('Optional at intake: the requester’s safeguarding answer when a subject is under 18 (DESIGN.md "Safeguarding")'),
    duplicateOf: plainText()
      .trim()
      .min(1)
      .max(60)
      .optional()
      .describe('Deconfliction: the reference or id of the open referral that already has this URL; the rationale is added to it'),
  });

  return { incidentReference, subject, newReferral };
}

export type ReferralSchemas = ReturnType<typeof referralSchemas>;
export type NewReferral = z.infer<ReferralSchemas['newReferral']>;
export type NewSubject = z.infer<ReferralSchemas['subject']>;

/** Query strings send "" for an empty form field: treat it as not sent. */
const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v);

/** Whole days, 0 to 3,650 (ten years); the message names the field as people see it. */
const days = (what: string) =>
  z.preprocess(
    blankAsAbsent,
    z.coerce
      .number({ error: `${what} must be a whole number of days from 0 to 3650` })
      .int(`${what} must be a whole number of days from 0 to 3650`)
      .min(0, `${what} must be a whole number of days from 0 to 3650`)
      .max(3650, `${what} must be a whole number of days from 0 to 3650`)
      .optional(),
  );

/** Sort orders of a list of referrals: newest (default), oldest, or by life-cycle status. */
const LIST_SORTS = ['submitted_desc', 'submitted_asc', 'status'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

// More than every status, so that a checkbox group plus a typed list still fits.
const STATUS_PARAMS_MAX = 20;

/**
 * One or more statuses: repeated (`status=submitted&status=in_review`, as checkboxes send them) or
 * comma-separated. One message naming `status` for any unknown value.
 */
const statusList = z
  .union([plainText(), z.array(plainText()).max(STATUS_PARAMS_MAX, { abort: true })], {
    error: `Status must be one of ${REFERRAL_STATUSES.join(', ')}, given at most ${STATUS_PARAMS_MAX} times`,
  })
  .transform((v, ctx) => {
    const list = [v].flat().flatMap((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
    const known: readonly string[] = REFERRAL_STATUSES;
    if (list.some((s) => !known.includes(s))) {
      ctx.addIssue({ code: 'custom', message: `Status must be one of ${REFERRAL_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return [...new Set(list)] as ReferralStatus[];
  })
  .optional();

/**
 * The list of referrals (GET /api/v1/referrals) and the work queue page (issue 3): the same
 * filters, validated once here.
 */
export const listQuerySchema = z.object({
  status: statusList.describe(
    'Only referrals in these statuses: repeat the parameter or separate with commas (submitted, in_review, awaiting_qa, referred, closed)',
  ),
  platform: z
    .preprocess(blankAsAbsent, plainText().trim().min(1).max(40).optional())
    .describe('Only referrals to this platform (directory key)'),
  assignee: z
    .preprocess(blankAsAbsent, plainText().trim().min(1).max(64).optional())
    .describe('Only referrals assigned to this user (id or username); "me" or "mine" for the caller, "none" or "unassigned" for nobody'),
  overdue: z
    .preprocess(blankAsAbsent, z.enum(['true', 'false'], { error: 'Overdue must be true or false' }).optional())
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe(
      'true: only overdue referrals, still submitted or in review more than 5 calendar days after submission (domain/queue-rules.ts SLA_DAYS); false: only those that are not',
    ),
  olderThanDays: days('Older than').describe('Only referrals submitted more than this many days ago'),
  withinDays: days('Within').describe('Only referrals submitted within this many days (0: within the last 24 hours)'),
  reference: z
    .preprocess(
      blankAsAbsent,
      z
        .string()
        .max(40, 'Enter a reference like OHRT-2026-000123')
        .transform((v, ctx) => {
          const r = normaliseReference(v);
          if (r === null) {
            ctx.addIssue({ code: 'custom', message: 'Enter a reference like OHRT-2026-000123' });
            return z.NEVER;
          }
          return r;
        })
        .optional(),
    )
    .describe('Only the referral with this reference, e.g. OHRT-2026-000123: any case, leading zeros optional'),
  sort: z
    .preprocess(blankAsAbsent, z.enum(LIST_SORTS, { error: `Sort must be one of ${LIST_SORTS.join(', ')}` }).default('submitted_desc'))
    .describe(
      'submitted_desc (newest first, default), submitted_asc (oldest first) or status (life-cycle order, oldest first within each)',
    ),
  ...pagingQuery,
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/**
 * POST …/{id}/withdraw: why the requester withdraws it, shown on the timeline. Optional in the API
 * (it was not asked for before: a new required field would break the contract); the page asks for it.
 */
export const withdrawSchema = z
  .object({
    reason: plainText({ error: 'Enter why you are withdrawing the referral' })
      .trim()
      .max(LIMITS.withdrawReason, `Reason must be ${LIMITS.withdrawReason.toLocaleString('en-GB')} characters or fewer`)
      .optional()
      .describe('Why the referral is withdrawn, up to 1,000 characters; shown on the timeline as the comment'),
  })
  .strict();

/** The withdraw page: the same, with the reason required. */
export const withdrawPageSchema = z.object({
  reason: plainText()
    .trim()
    .min(1, 'Enter why you are withdrawing the referral')
    .max(LIMITS.withdrawReason, `Reason must be ${LIMITS.withdrawReason.toLocaleString('en-GB')} characters or fewer`),
});

/**
 * A referral id in a path: a uuid, checked at the edge, so that a malformed one answers the
 * contract's 404 without a query (issue 11). No API route takes a reference in its path.
 */
export const referralIdSchema = z.guid({ error: 'No such referral' }).describe('The referral id (uuid)');
export const idParamsSchema = z.object({ id: referralIdSchema });

export const personSchema = z.object({ id: z.string(), username: z.string(), name: z.string() });
const fieldWarning = z.object({ path: z.string(), message: z.string() });

/*
 * DESIGN.md "Who sees what": two shapes of a referral. The unit (operative, sergeant, inspector)
 * sees the whole referral; a requester who holds no unit role sees, of their own, only what they
 * gave and what happened to it (the requester's shape, with no other fields).
 */
const incidentReferencesSchema = z.array(z.object({ system: z.enum(INCIDENT_SYSTEMS), reference: z.string() }));
const subjectsSchema = z.array(
  z.object({ name: z.string(), category: z.enum(SUBJECT_CATEGORIES), ageBand: z.enum(AGE_BANDS), dateOfBirth: z.string().nullable() }),
);

/** A referral in a requester's list: the requester's shape. */
const requesterSummarySchema = z
  .object({
    id: z.string(),
    reference: z.string().describe('Human reference, e.g. OHRT-2026-000123'),
    status: z.enum(REFERRAL_STATUSES),
    outcome: z.enum(REFERRAL_OUTCOMES).nullable(),
    contentTitle: z.string(),
    contentUrl: z.string(),
    platforms: z.array(z.string()),
    submittedAt: z.string().describe('ISO 8601 UTC'),
    closedAt: z.string().nullable(),
  })
  .describe('What a requester with no unit role sees of their own referral in a list');

/** A referral in the unit's list. */
const unitSummarySchema = requesterSummarySchema
  .extend({
    requesterId: z.string().describe('The account that submitted it'),
    applicant: z
      .object({ name: z.string(), ocu: z.string().nullable(), unit: z.string().nullable() })
      .describe('SOP 8.3.1, as at submission'),
    assignee: personSchema.nullable(),
  })
  .describe('What the unit sees of a referral in a list');

const referralSummarySchema = z.union([unitSummarySchema, requesterSummarySchema]);

export const referralListSchema = pagedAnswer(referralSummarySchema);

/** One referral as its requester (with no unit role) sees it. */
const requesterDetailSchema = requesterSummarySchema
  .extend({
    contentUploadedOn: z.string(),
    rationale: z.string(),
    incidentReferences: incidentReferencesSchema,
    subjects: subjectsSchema,
    timeline: z
      .array(z.object({ at: z.string(), actor: z.object({ name: z.string() }), action: z.string() }))
      .describe('Their own steps, and the step that closed it with the unit named as "Online Harm Referral Team"; no comments'),
    warnings: z
      .array(fieldWarning)
      .optional()
      .describe('Only in the answer to POST /referrals: things to look at in what was submitted, e.g. the URL’s host'),
  })
  .describe('What a requester with no unit role sees of their own referral (DESIGN.md "Who sees what")');

/** One referral as the unit sees it: the whole referral. */
export const unitDetailSchema = unitSummarySchema.extend({
  contentUploadedOn: z.string(),
  draftAuthorId: z.string().nullable().describe('Who wrote the drafts: never the sergeant who quality-assures them (SOP 10.2)'),
  selfTaskedReason: z.string().nullable().describe('Why an operative opened it themselves (SOP 8.5)'),
  rationale: z.string(),
  incidentReferences: incidentReferencesSchema,
  subjects: subjectsSchema,
  additionalRationales: z
    .array(z.object({ applicantName: z.string(), rationale: z.string(), addedAt: z.string() }))
    .describe('Deconfliction: rationales of later requesters'),
  safeguarding: z
    .array(
      z.object({
        stage: z.enum(SAFEGUARDING_STAGES),
        action: z.enum(SAFEGUARDING_ACTIONS),
        detail: z.string(),
        recordedBy: personSchema,
        recordedAt: z.string(),
      }),
    )
    .describe('DESIGN.md "Safeguarding": every answer, oldest first (the unit only)'),
  platformReferrals: z
    .array(
      z.object({
        platform: z.string().describe('Directory key'),
        status: z.enum(PLATFORM_REFERRAL_STATUSES),
        final: z.boolean().describe('Nothing more will happen to it (removed, upheld, or not_removed and not appealed)'),
        channel: z.enum(CHANNELS).nullable().describe('SOP 10.5: how it was sent; null until it is'),
        termsBreached: z.array(z.string()).describe('SOP 9.4: clause keys'),
        draft: z.string().describe('SOP 10.1: the text for the platform'),
        submittedAt: z.string().nullable().describe('ISO 8601 UTC; null until sent'),
        externalReference: z.string().nullable().describe("The platform's own reference, if it gave one"),
        decision: z.enum(['removed', 'not_removed']).nullable().describe('SOP 10.6'),
        decidedOn: z.string().nullable(),
        appealed: z.boolean().describe('SOP 10.7'),
        notAppealed: z.boolean().describe('SOP 10.7: not_removed, and the unit recorded why it does not appeal'),
        appealReason: z.string().nullable(),
        finalDecision: z.enum(['removed', 'upheld']).nullable().describe('SOP 10.7: after an appeal'),
        finalDecidedOn: z.string().nullable(),
      }),
    )
    .describe('SOP 10: one per platform, from drafting to the final decision'),
  timeline: z.array(
    z.object({
      at: z.string(),
      actor: personSchema.nullable(),
      action: z.string(),
      platform: z.string().optional().describe('The platform a per-platform step was about'),
      comment: z.string().optional(),
    }),
  ),
  warnings: z.array(fieldWarning).describe('Things a person should look at, e.g. a URL whose host is not one of the platforms chosen'),
});

/** One referral, in the shape its reader may see. */
export const referralDetailSchema = z.union([unitDetailSchema, requesterDetailSchema]);

/** A referral a requester added their rationale to: only what they need, not another requester's data. */
export const combinedSchema = requesterSummarySchema
  .pick({ id: true, reference: true, status: true, outcome: true, contentTitle: true, platforms: true })
  .extend({
    combined: z.literal(true),
  });

/** A yes/no question page (GOV.UK radios). */
export const yesNoSchema = <K extends string>(name: K, message: string) =>
  z.object({ [name]: z.enum(['yes', 'no'], { error: message }) } as Record<K, z.ZodEnum<{ yes: 'yes'; no: 'no' }>>);

/** Deconfliction page: add my rationale to the open referral, or go back and change the URL. */
export const duplicateChoiceSchema = z.object({
  choice: z.enum(['add', 'change'], { error: 'Choose whether to add your rationale to the existing referral or change the URL' }),
});
