import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { listQuerySchema, type ReferralSchemas } from '../referrals/referrals.schemas.js';

/** SOP 8.5: the reason an operative opens a referral themselves. */
export const SELF_TASKED_REASON_MAX = 2_000;

/** Queue page size (issue 3: 25 per page). */
export const QUEUE_PAGE_SIZE = 25;

/** POST …/{id}/claim: nothing to take it yourself; a sergeant names the operative to assign it to (SOP 8.5-8.6). */
export const claimBodySchema = z
  .object({
    assignee: plainText({ error: 'Enter the id or username of the operative to assign the referral to' })
      .trim()
      .min(1, 'Enter the id or username of the operative to assign the referral to')
      .max(64, 'Enter the id or username of the operative to assign the referral to')
      .optional()
      .describe('Sergeants only: the id or username of an active operative; leave out to take the referral yourself'),
  })
  .strict();

const selfTaskedReason = plainText({ error: 'Enter why you are opening this referral yourself' })
  .trim()
  .min(1, 'Enter why you are opening this referral yourself')
  .max(SELF_TASKED_REASON_MAX, `Reason must be ${SELF_TASKED_REASON_MAX.toLocaleString('en-GB')} characters or fewer`)
  .describe('SOP 8.5: why the operative is opening this referral themselves (self-tasked deployment), up to 2,000 characters');

/**
 * POST /referrals/self-tasked: the referral body (without deconfliction's duplicateOf: a
 * self-tasked referral is never combined into another) plus the reason.
 */
export const selfTaskSchema = (schemas: ReferralSchemas) => schemas.newReferral.omit({ duplicateOf: true }).extend({ selfTaskedReason });

/** GET /referrals/counts: the list's filters other than status, sort and paging. */
export const countsQuerySchema = listQuerySchema.pick({
  platform: true,
  assignee: true,
  overdue: true,
  olderThanDays: true,
  withinDays: true,
});
export type CountsQuery = z.infer<typeof countsQuerySchema>;

export const statusCountsSchema = z
  .object({ submitted: z.number(), in_review: z.number(), awaiting_qa: z.number(), referred: z.number(), closed: z.number() })
  .describe('How many referrals are in each status under the filters');

/** The work queue page's query: the list's, with the page size fixed. */
export const queuePageQuerySchema = listQuerySchema.omit({ pageSize: true });
export type QueuePageQuery = z.infer<typeof queuePageQuerySchema>;
