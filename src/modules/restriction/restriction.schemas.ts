import { z } from 'zod';
import { pagedAnswer, pagingQuery } from '../../schemas/paging.js';
import { plainText } from '../../schemas/text.js';

/** The restriction schemas (DPA 2018 s.47; DESIGN.md "Data protection and fairness"): API and pages validate with them. */
export const RESTRICTION_LIMITS = { reason: 2_000, reference: 40 } as const;

export const referralParamsSchema = z.object({ id: z.guid({ error: 'No such referral' }).describe('The referral id (uuid)') });

const reason = plainText({ error: 'Enter the reason' })
  .trim()
  .min(1, 'Enter the reason')
  .max(RESTRICTION_LIMITS.reason, `The reason must be ${RESTRICTION_LIMITS.reason.toLocaleString('en-GB')} characters or fewer`);

/** `POST …/restriction` and `…/restriction/release`: why (kept in `referral_restrictions`, never in the audit detail). */
export const reasonSchema = z.object({ reason: reason.describe('Why the referral is restricted, or why the restriction ends') });

export const referenceSchema = z.object({
  reference: plainText({ error: 'Enter the referral’s reference' })
    .trim()
    .toUpperCase()
    .min(1, 'Enter the referral’s reference')
    .max(RESTRICTION_LIMITS.reference, 'Enter a reference like OHRT-2026-000123'),
});

export const changeSchema = z.object({
  referralId: z.string(),
  reference: z.string(),
  restricted: z.boolean().describe('Whether the referral is restricted now'),
  restrictionId: z.string().nullable(),
  at: z.string(),
});

const person = z.object({ id: z.string(), name: z.string() });

export const stateSchema = z.object({
  referralId: z.string(),
  reference: z.string(),
  contentTitle: z.string(),
  restricted: z.boolean(),
  history: z.array(
    z.object({
      restrictedAt: z.string(),
      restrictedBy: person,
      reason: z.string(),
      releasedAt: z.string().nullable(),
      releasedBy: person.nullable(),
      releaseReason: z.string().nullable(),
    }),
  ),
});

export const listQuerySchema = z.object(pagingQuery);

export const listSchema = pagedAnswer(
  z.object({
    referralId: z.string(),
    reference: z.string(),
    contentTitle: z.string(),
    restrictedAt: z.string(),
    reason: z.string(),
    restrictedBy: person,
  }),
);
