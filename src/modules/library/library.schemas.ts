import { z } from 'zod';
import { isRealDate } from '../../domain/dates.js';
import { LIBRARY_EVENTS } from '../../domain/vocabulary.js';
import { pagedAnswer, pagingQuery } from '../../schemas/paging.js';
import { plainText } from '../../schemas/text.js';
import { personSchema } from '../referrals/referrals.schemas.js';

/**
 * The Domain library's schemas (SOP 10.8, DESIGN.md "Domain library"): the API and the pages
 * validate with them and the OpenAPI document comes from them. "Not in the past" is London's
 * today, which the hold schema reads as it validates.
 */
export const LIBRARY_LIMITS = { q: 200, investigationReference: 60, reason: 2_000 } as const;

/** "Expiring soon" on the library page (issue 13): within 30 days. */
export const EXPIRING_SOON_DAYS = 30;

const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v);
const flag = (what: string) =>
  z
    .preprocess(blankAsAbsent, z.enum(['true', 'false'], { error: `${what} must be true or false` }).optional())
    .transform((v) => (v === undefined ? undefined : v === 'true'));

export const entryParamsSchema = z.object({ entryId: z.guid({ error: 'No such library entry' }).describe('The library entry id (uuid)') });

export const libraryQuerySchema = z.object({
  q: z
    .preprocess(
      blankAsAbsent,
      plainText().trim().max(LIBRARY_LIMITS.q, `Search must be ${LIBRARY_LIMITS.q} characters or fewer`).optional(),
    )
    .describe('Words in the title, the reference or the URL (any case)'),
  platform: z
    .preprocess(blankAsAbsent, plainText().trim().min(1).max(40, 'Platform must be a directory key').optional())
    .describe('Only entries removed from this platform (directory key)'),
  held: flag('Held').describe('true: only entries held for an investigation; false: only those not held'),
  expiringWithinDays: z
    .preprocess(
      blankAsAbsent,
      z.coerce
        .number({ error: 'Expiring within must be a whole number of days from 0 to 3650' })
        .int('Expiring within must be a whole number of days from 0 to 3650')
        .min(0, 'Expiring within must be a whole number of days from 0 to 3650')
        .max(3650, 'Expiring within must be a whole number of days from 0 to 3650')
        .optional(),
    )
    .describe('Only entries not held that expire within this many days from today (0: today or already)'),
  reviewDue: flag('Review due').describe('true: only holds whose review date is today or past (they are reviewed, never silently kept)'),
  ...pagingQuery,
});
export type LibraryQuery = z.infer<typeof libraryQuerySchema>;

const reasonOf = (what: string) =>
  plainText({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(LIBRARY_LIMITS.reason, `The reason must be ${LIBRARY_LIMITS.reason.toLocaleString('en-GB')} characters or fewer`);

/** `POST …/hold` (CPIA 1996): the investigation, why, and when the hold is next reviewed. */
export function holdSchemas(today: () => string) {
  const hold = z.object({
    investigationReference: plainText({ error: 'Enter the investigation reference' })
      .trim()
      .min(1, 'Enter the investigation reference')
      .max(
        LIBRARY_LIMITS.investigationReference,
        `The investigation reference must be ${LIBRARY_LIMITS.investigationReference} characters or fewer`,
      )
      .describe('The investigation the entry is relevant to (CPIA 1996), e.g. an operation name or crime reference'),
    reason: reasonOf('why the entry is relevant to the investigation').describe('Why it is kept beyond 12 months'),
    reviewOn: plainText({ error: 'Enter the date to review the hold' })
      .trim()
      .min(1, 'Enter the date to review the hold')
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'The review date must be in the format YYYY-MM-DD')
      .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v), 'The review date must be a real date')
      .refine((v) => !isRealDate(v) || v >= today(), 'The review date must be today or in the future')
      .describe('YYYY-MM-DD, today or later: the hold is listed for review from then on'),
  });
  /** `POST …/hold/review`: the hold was reviewed and is still needed; it is next reviewed on `reviewOn`. */
  const review = hold.pick({ reviewOn: true }).extend({
    reason: reasonOf('why the investigation still needs the entry').describe('Why the hold is kept'),
  });
  return { hold, review };
}
export type HoldInput = z.infer<ReturnType<typeof holdSchemas>['hold']>;

/** The hold columns a placed hold sets, on a library entry or a closed referral alike (CPIA 1996; decision 022). */
export const placedHold = (by: string, input: HoldInput, at: Date) => ({
  holdInvestigationReference: input.investigationReference,
  holdReason: input.reason,
  holdPlacedBy: by,
  holdPlacedAt: at,
  holdReviewOn: input.reviewOn,
});
export type HoldReviewInput = z.infer<ReturnType<typeof holdSchemas>['review']>;

/** `POST …/hold/release`: why the entry is no longer needed; its 12 months run again. */
export const releaseSchema = z.object({
  reason: reasonOf('why the hold is released').describe('Why the investigation no longer needs the entry'),
});
export type ReleaseInput = z.infer<typeof releaseSchema>;

/** A hold as every answer shows it (the library's entries, the retention lists). */
export const holdSchema = z.object({
  investigationReference: z.string(),
  reason: z.string(),
  placedBy: personSchema,
  placedAt: z.string(),
  reviewOn: z.string(),
  reviewDue: z.boolean().describe('The review date is today or past: the hold is to be reviewed'),
});

const entrySchema = z.object({
  id: z.string(),
  referralId: z.string().nullable().describe('Null once the referral itself is deleted (the entry outlives it when held)'),
  reference: z.string(),
  contentTitle: z.string().describe('SOP 10.4.1'),
  contentUrl: z.string().describe('SOP 10.4.2'),
  platforms: z.array(z.string()).describe('SOP 10.4.3: directory keys'),
  rationale: z.string().describe('SOP 10.4.4'),
  summary: z.string().describe('SOP 10.4.5'),
  termsBreached: z.array(z.string()).describe('SOP 10.4.6: one line per platform, as the intelligence record gives them'),
  removedOn: z.string().describe('The first removal'),
  expiresOn: z.string().describe('12 calendar months after the first removal (SOP 2.2); a held entry is kept beyond it'),
  hold: holdSchema.nullable(),
  captureIds: z.array(z.string()),
});
export type EntryAnswer = z.infer<typeof entrySchema>;

export const entryDetailSchema = entrySchema.extend({
  captures: z.array(z.object({ captureId: z.string().nullable(), sha256: z.string(), mediaType: z.string(), size: z.number() })),
  history: z.array(
    z.object({
      at: z.string(),
      action: z.enum(LIBRARY_EVENTS),
      actor: z.object({ username: z.string(), name: z.string() }).nullable(),
      investigationReference: z.string().nullable(),
      reason: z.string().nullable(),
      reviewOn: z.string().nullable(),
    }),
  ),
});
export type EntryDetailAnswer = z.infer<typeof entryDetailSchema>;

export const entryListSchema = pagedAnswer(entrySchema);

/** `POST /api/v1/library/match` (issue 13 point 5): the clip's matches, best first. */
export const matchAnswerSchema = z.object({
  matches: z
    .array(
      z.object({
        entryId: z.string(),
        reference: z.string(),
        score: z.number().describe('0 to 1; shown from 0.5 (docs/audio-matching.md)'),
        offsetSeconds: z.number().describe('Where in the removed track the clip begins'),
      }),
    )
    .describe('A hint for a person, never a decision'),
});
