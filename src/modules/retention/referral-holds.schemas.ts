import { z } from 'zod';
import { holdSchema } from '../library/library.schemas.js';
import { referralIdSchema } from '../referrals/referrals.schemas.js';

/** A closed referral's hold routes (CPIA 1996; SOP 2.2, DPA 2018 s.39; issue 15 point 1; decision 022). */
export const referralHoldParamsSchema = z.object({ id: referralIdSchema });

export const referralHoldSchema = z.object({
  id: z.string(),
  reference: z.string(),
  status: z.string(),
  closedAt: z.string().nullable().describe('When it closed; null while open (an open referral is not held: it is kept)'),
  expiresOn: z
    .string()
    .nullable()
    .describe('12 calendar months after the London date of closure (SOP 2.2); deleted the day after unless held'),
  hold: holdSchema.nullable(),
});
