import { z } from 'zod';
import { pagedAnswer, pagingQuery } from '../../schemas/paging.js';
import { holdSchema } from '../library/library.schemas.js';

/**
 * The retention schemas (SOP 2.2, 10.8; DESIGN.md "Domain library", "Data protection and
 * fairness"): the API and the page validate with them and the OpenAPI document comes from them.
 */
const RETENTION_LIMITS = { days: 366 } as const;

/** "Expiring in the next 30 days" (issue 13): the window unless `days` says otherwise. */
export const UPCOMING_DAYS = 30;

const whole = (what: string, min: number, max: number) => {
  const message = `${what} must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

export const upcomingQuerySchema = z.object({
  days: whole('Days', 1, RETENTION_LIMITS.days).default(UPCOMING_DAYS).describe('The window from today: 1 to 366, default 30'),
});

export const certificatesQuerySchema = z.object(pagingQuery);
export type CertificatesQuery = z.infer<typeof certificatesQuerySchema>;

export const certificateListSchema = pagedAnswer(
  z.object({
    id: z.string(),
    deletedAt: z.string(),
    entity: z.string().describe('What was deleted: `library_entry` or `referral` (issue 15 point 1)'),
    entityId: z.string(),
    reference: z.string(),
    rule: z.string().describe('The rule and its dates, e.g. SOP 10.8, 2.2: 12 months from removal on D, expired E'),
    sha256s: z.array(z.string()).describe('The SHA-256 of each stored object the record held; nothing of the content'),
  }),
);

const kind = z
  .enum(['library_entry', 'referral'])
  .describe('What the record is: a Domain library entry (SOP 10.8) or a closed referral (SOP 2.2, issue 15 point 1)');
const expiringItem = z.object({ kind, id: z.string(), reference: z.string(), expiresOn: z.string() });
const heldItem = expiringItem.extend({ hold: holdSchema });

export const upcomingSchema = z.object({
  today: z.string().describe('London’s date'),
  until: z.string().describe('The last day of the window'),
  days: z.number(),
  expiring: z
    .array(expiringItem)
    .describe('Not held, expiring on or before `until` (any already due included), soonest first: library entries, then referrals'),
  held: z
    .array(heldItem)
    .describe('Held for an investigation (CPIA 1996), kept beyond their date; earliest review first: library entries, then referrals'),
  reviewDue: z.array(heldItem).describe('The holds whose review date is today or past'),
});
