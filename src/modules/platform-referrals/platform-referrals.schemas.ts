import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { CHANNELS, PLATFORM_DECISIONS } from '../../domain/vocabulary.js';
import { isRealDate, londonToday } from '../../domain/dates.js';
import { referralIdSchema } from '../referrals/referrals.schemas.js';

/**
 * The per-platform steps of SOP 10.5-10.7 (DESIGN.md "API shapes"). The API validates with these,
 * the form pages validate with the same schemas, and the OpenAPI document is generated from them.
 * "Not in the future" depends on the clock, which the schemas read at each validation.
 */

const LIMITS = { externalReference: 120, reason: 2_000 } as const;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

export function platformReferralSchemas(clock: () => Date) {
  /** SOP 10.5: how, when and under which reference the referral reached the platform. */
  const submission = z.object({
    channel: z
      .enum(CHANNELS, { error: 'Choose how the referral was sent' })
      .describe('SOP 10.5: trusted_flagger, mailbox or individual; recorded as the officer says even if the directory names another'),
    submittedAt: plainText({ error: 'Enter when the referral was sent' })
      .trim()
      .min(1, 'Enter when the referral was sent')
      .regex(ISO_UTC, 'The time the referral was sent must be an ISO 8601 UTC time, for example 2026-03-10T09:30:00Z')
      .refine(
        (v) => !ISO_UTC.test(v) || (isRealDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v))),
        'The time the referral was sent must be a real time',
      )
      .refine(
        (v) => Number.isNaN(Date.parse(v)) || Date.parse(v) <= clock().getTime(),
        'The time the referral was sent must be now or in the past',
      )
      .describe('ISO 8601 UTC, not in the future'),
    externalReference: plainText()
      .trim()
      .max(LIMITS.externalReference, `The platform's reference must be ${LIMITS.externalReference} characters or fewer`)
      .optional()
      .transform((v) => (v ? v : undefined))
      .describe("The platform's own reference (ticket, case or portal number), if it gave one"),
  });

  /** SOP 10.6; after an appeal (10.7) `removed` or `upheld`, and `not_removed` is read as `upheld`. */
  const decision = z.object({
    outcome: z
      .enum(PLATFORM_DECISIONS, { error: 'Choose the platform’s decision' })
      .describe('removed | not_removed on a submission; removed | upheld after an appeal (not_removed then means upheld)'),
    decidedOn: plainText({ error: 'Enter the date of the decision' })
      .trim()
      .min(1, 'Enter the date of the decision')
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'The date of the decision must be in the format YYYY-MM-DD')
      .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v), 'The date of the decision must be a real date')
      .refine((v) => !isRealDate(v) || v <= londonToday(clock()), 'The date of the decision must be today or in the past')
      .describe('YYYY-MM-DD, not in the future and not before the submission (or, for a final decision, the first decision)'),
  });

  /** SOP 10.7: appeal against not_removed, or record why not. Either way the reason is kept. */
  const appeal = z.object({
    appeal: z
      .boolean({ error: 'Choose whether you are appealing' })
      .describe('true: an appeal was made; false: the unit decided not to appeal'),
    reason: plainText({ error: 'Enter the reason' })
      .trim()
      .min(1, 'Enter the reason')
      .max(LIMITS.reason, `The reason must be ${LIMITS.reason} characters or fewer`)
      .describe('Why the unit appeals, or why it does not; shown on the timeline'),
  });

  return { submission, decision, appeal };
}

export type Submission = z.infer<ReturnType<typeof platformReferralSchemas>['submission']>;
export type DecisionInput = z.infer<ReturnType<typeof platformReferralSchemas>['decision']>;
export type AppealInput = z.infer<ReturnType<typeof platformReferralSchemas>['appeal']>;

export const platformParamsSchema = z.object({
  id: referralIdSchema,
  // The directory's key rule (platforms.schemas PLATFORM_KEY): anything else names no platform.
  platform: z
    .string()
    .regex(/^[a-z0-9_]{1,40}$/, { error: 'No such platform in the directory' })
    .describe('A directory key this referral was referred to, e.g. youtube'),
});

/** A time of day typed in a form, `14:30`, `9:30` or `14.30` (24-hour clock), or null. */
export function timeOfDay(s: string): { hour: number; minute: number } | null {
  const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(s.trim());
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}
