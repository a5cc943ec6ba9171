import { z } from 'zod';
import { isRealDate } from '../../domain/dates.js';
import { subjectKey } from '../../domain/personas.js';
import { PERSONA_REVIEW_DECISIONS, PERSONA_SECRET_KINDS, PERSONA_STATUSES } from '../../domain/vocabulary.js';
import { pagedAnswer, pagingQuery } from '../../schemas/paging.js';
import { plainText } from '../../schemas/text.js';

/**
 * The persona register's schemas (FOI 003; DESIGN.md "Persona register"): the API validates with
 * them and the OpenAPI document comes from them. Every text has a bound; no answer schema has a
 * place for a secret but the reveal's.
 */
const PERSONA_LIMITS = {
  website: 100,
  userName: 100,
  emailAddress: 254,
  password: 256,
  phoneNumber: 25,
  justification: 4_000,
  secretText: 4_000,
  reason: 2_000,
  purpose: 1_000,
  investigationReference: 60,
  subject: 200,
  currentPassword: 1_000,
} as const;

/** The first year a persona's account can have been joined (the register holds nothing older). */
const FIRST_YEAR_JOINED = 1990;

const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v);
const chars = (n: number) => n.toLocaleString('en-GB');

/** A required text with a bound, the message naming the field as a person reads it. */
const text = (what: string, max: number) =>
  plainText({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${what[0]!.toUpperCase()}${what.slice(1)} must be ${chars(max)} characters or fewer`);

/** As `text`, but the value is kept exactly as typed (a password's spaces are part of it). */
const secretText = (what: string, max: number) =>
  plainText({ error: `Enter ${what}` })
    .min(1, `Enter ${what}`)
    .max(max, `${what[0]!.toUpperCase()}${what.slice(1)} must be ${chars(max)} characters or fewer`);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Loose on purpose: a persona's phone may be foreign, spaced or bracketed; digits, at least five.
const PHONE = /^\+?[0-9 ().-]{5,25}$/;

export const personaParamsSchema = z.object({ id: z.guid({ error: 'No such persona' }).describe('The persona id (uuid)') });

/** `POST /api/v1/personas`: the register's columns (FOI 003), the justification and the sealed secrets. */
export function personaSchemas(today: () => string) {
  const request = z.object({
    website: text('the website', PERSONA_LIMITS.website).describe('FOI 003 "Website": where the account is, e.g. facebook.com'),
    yearJoined: z
      .number({ error: 'Enter the year the account was joined, as a number' })
      .int('The year joined must be a whole year')
      .min(FIRST_YEAR_JOINED, `The year joined must be ${FIRST_YEAR_JOINED} or later`)
      .refine((y) => y <= Number(today().slice(0, 4)), 'The year joined cannot be in the future')
      .describe(`FOI 003 "Year Joined": ${FIRST_YEAR_JOINED} to this year`),
    userName: text('the user name', PERSONA_LIMITS.userName).describe('FOI 003 "User name"'),
    emailAddress: text('the email address', PERSONA_LIMITS.emailAddress)
      .regex(EMAIL, 'Enter the email address in the right format, like name@example.com')
      .describe('FOI 003 "Email Address used"'),
    password: secretText('the password', PERSONA_LIMITS.password).describe(
      'FOI 003 "Password": sealed at once (AES-256-GCM, a key outside the database); never in any answer but the reveal',
    ),
    dateOfBirthUsed: plainText({ error: 'Enter the date of birth used' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'The date of birth used must be in the format YYYY-MM-DD')
      .refine(isRealDate, 'The date of birth used must be a real date')
      .refine((d) => d <= today(), 'The date of birth used must be in the past')
      .describe('FOI 003 "Date of Birth Used": YYYY-MM-DD'),
    phoneNumber: z
      .preprocess(
        blankAsAbsent,
        text('the phone number', PERSONA_LIMITS.phoneNumber)
          .regex(PHONE, 'Enter the phone number in digits, with + ( ) - . or spaces if you like')
          .optional(),
      )
      .describe('FOI 003 "Phone Number Used to Set Up"; absent when none was'),
    justification: text('why the persona is needed', PERSONA_LIMITS.justification).describe(
      'Why it is necessary and proportionate: the authorising officer decides on it',
    ),
    recoveryCodes: z
      .preprocess(blankAsAbsent, secretText('the recovery codes', PERSONA_LIMITS.secretText).optional())
      .describe('Sealed as the password; revealed as kind recovery_codes'),
    notes: z
      .preprocess(blankAsAbsent, secretText('the notes', PERSONA_LIMITS.secretText).optional())
      .describe('Sealed as the password (e.g. security answers); revealed as kind notes'),
  });
  return { request };
}
export type PersonaRequestInput = z.infer<ReturnType<typeof personaSchemas>['request']>;

export const authorisationSchema = z.object({
  decision: z.enum(['authorise', 'refuse'], { error: 'Choose authorise or refuse' }),
  reason: text('the reason for your decision', PERSONA_LIMITS.reason).describe('Why it is (or is not) necessary and proportionate'),
});
export type AuthorisationInput = z.infer<typeof authorisationSchema>;

export const revealSchema = z.object({
  purpose: text('why you need it', PERSONA_LIMITS.purpose).describe('The policing purpose, kept with the audited consultation'),
  currentPassword: secretText('your own password', PERSONA_LIMITS.currentPassword).describe(
    'The caller’s own sign-in password, entered again; a wrong one counts as a failed sign-in',
  ),
  kind: z.enum(PERSONA_SECRET_KINDS, { error: 'Choose password, recovery_codes or notes' }).default('password'),
});
export type RevealInput = z.infer<typeof revealSchema>;

/** `POST …/{id}/withdrawal`: why the request is no longer needed (kept in the status history). */
export const withdrawalSchema = z.object({
  reason: text('why the request is withdrawn', PERSONA_LIMITS.reason).describe('Kept in the status history and the retirement record'),
});
export type WithdrawalInput = z.infer<typeof withdrawalSchema>;

export const REPEATED_VIEWING_ANSWERS = ['authorised', 'not_needed'] as const;

export const useSchema = z.object({
  purpose: text('the policing purpose', PERSONA_LIMITS.purpose).describe('FOI 003 use log: the policing purpose'),
  referralId: z.guid({ error: 'The referral id must be a referral’s id' }).optional().describe('The referral it serves'),
  investigationReference: z
    .preprocess(blankAsAbsent, text('the investigation reference', PERSONA_LIMITS.investigationReference).optional())
    .describe('Or the investigation it serves'),
  subject: z
    .preprocess(
      blankAsAbsent,
      text('the profile, handle or person viewed', PERSONA_LIMITS.subject)
        .refine((v) => subjectKey(v) !== null, 'Enter the profile, handle or person viewed in letters or digits')
        .optional(),
    )
    .describe(
      'Optional: the profile, handle or person viewed ("Name (@handle)", "@handle" or a profile address); uses of the same subject count together for the repeated-viewing prompt',
    ),
  repeatedViewingAnswer: z
    .enum(REPEATED_VIEWING_ANSWERS, { error: 'Answer authorised or not_needed' })
    .optional()
    .describe(
      'RIPA 2000: the answer to the repeated-viewing prompt (a directed surveillance authorisation is in place, or is not needed); asked for by a 409 repeated_viewing',
    ),
});

/**
 * The page's form asks for the referral or the investigation a use serves (issue 14 point 4). The API keeps
 * both optional, as DESIGN.md's contract has them (`referralId?`, `investigationReference?`): a client that
 * sends neither is not broken, and its use is logged with its purpose (decision 019).
 */
export const useFormSchema = useSchema.superRefine((v, ctx) => {
  if (!v.referralId && !v.investigationReference)
    ctx.addIssue({ code: 'custom', path: ['referralId'], message: 'Enter the referral or the investigation the use serves' });
});
export type UseInput = z.infer<typeof useSchema>;

export const reviewSchema = z
  .object({
    necessity: text('why the persona is still necessary, or not', PERSONA_LIMITS.reason),
    proportionality: text('why keeping and using it is proportionate, or not', PERSONA_LIMITS.reason),
    decision: z.enum(PERSONA_REVIEW_DECISIONS, { error: 'Choose continue, suspend or retire' }),
    reason: z.preprocess(blankAsAbsent, text('the reason', PERSONA_LIMITS.reason).optional()).describe('Required to suspend or retire'),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== 'continue' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `Enter why the persona is to ${v.decision}` });
  });
export type ReviewInput = z.infer<typeof reviewSchema>;

export const assigneeSchema = z.object({ userId: z.guid({ error: 'Choose a case worker' }).describe('An operative or sergeant') });

const flag = z
  .preprocess(blankAsAbsent, z.enum(['true', 'false'], { error: 'Review overdue must be true or false' }).optional())
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const personaQuerySchema = z.object({
  status: z.preprocess(blankAsAbsent, z.enum(PERSONA_STATUSES, { error: 'Choose a persona status' }).optional()),
  website: z
    .preprocess(blankAsAbsent, text('the website', PERSONA_LIMITS.website).optional())
    .describe('Only personas on this website (any case)'),
  reviewOverdue: flag.describe('true: only active or suspended personas whose review date has passed; false: only those not overdue'),
  ...pagingQuery,
});
export type PersonaQuery = z.infer<typeof personaQuerySchema>;

export const usesQuerySchema = z.object({
  user: z
    .preprocess(blankAsAbsent, z.union([z.literal('me'), z.guid({ error: 'user must be me or a user id' })]).default('me'))
    .describe('me (the default) or a user id: an operative sees only their own'),
  ...pagingQuery,
});
export const personaUsesQuerySchema = z.object(pagingQuery);

const personSchema = z.object({ id: z.string(), username: z.string(), name: z.string() });

/** DESIGN.md "Persona": the register's row, never a secret. */
const personaSchema = z.object({
  id: z.string(),
  website: z.string(),
  yearJoined: z.number(),
  userName: z.string(),
  emailAddress: z.string(),
  dateOfBirthUsed: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  creator: personSchema,
  authorisingOfficer: personSchema.nullable().describe('Who authorised or refused it'),
  active: z.boolean().describe('FOI 003 "Active Y/N": status is active'),
  status: z.enum(PERSONA_STATUSES),
  authorisedAt: z.string().nullable().describe('When it was authorised or refused'),
  reviewDueOn: z.string().nullable(),
  hasPassword: z.boolean(),
  reviewOverdue: z.boolean().describe('Addition: the review date has passed; no use until reviewed'),
});
export type PersonaAnswer = z.infer<typeof personaSchema>;

export const personaDetailSchema = personaSchema.extend({
  justification: z.string(),
  authorisationReason: z.string().nullable(),
  retirement: z.object({ at: z.string(), by: personSchema.nullable(), reason: z.string().nullable() }).nullable(),
  secrets: z.array(z.enum(PERSONA_SECRET_KINDS)).describe('Which kinds are held (never their values)'),
  assignees: z.array(personSchema),
  history: z.array(
    z.object({
      at: z.string(),
      from: z.enum(PERSONA_STATUSES).nullable(),
      to: z.enum(PERSONA_STATUSES),
      actor: personSchema.nullable(),
      reason: z.string().nullable(),
    }),
  ),
  reviews: z.array(
    z.object({
      at: z.string(),
      reviewer: personSchema,
      necessity: z.string(),
      proportionality: z.string(),
      decision: z.enum(PERSONA_REVIEW_DECISIONS),
      nextReviewOn: z.string().nullable(),
    }),
  ),
});

export type PersonaDetailAnswer = z.infer<typeof personaDetailSchema>;

export const personaListSchema = pagedAnswer(personaSchema);

export const revealAnswerSchema = z.object({
  password: z.string().optional(),
  recoveryCodes: z.string().optional(),
  notes: z.string().optional(),
});

export const useAnswerSchema = z.object({
  id: z.string(),
  personaId: z.string(),
  persona: z
    .object({ website: z.string(), userName: z.string() })
    .describe('Addition: the persona used (its register columns, never a secret)'),
  at: z.string(),
  user: personSchema,
  purpose: z.string(),
  referralId: z.string().nullable(),
  referralReference: z.string().nullable().describe('Addition: the reference of the referral it served'),
  investigationReference: z.string().nullable(),
  subject: z.string().nullable().describe('Addition: the profile, handle or person viewed, if named'),
  repeatedViewing: z.object({ prompted: z.boolean(), answer: z.enum(REPEATED_VIEWING_ANSWERS).nullable() }),
});
export type UseAnswer = z.infer<typeof useAnswerSchema>;
export const useListSchema = pagedAnswer(useAnswerSchema);
