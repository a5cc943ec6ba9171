import { z } from 'zod';
import { PERSONA_STATUSES } from '../../domain/vocabulary.js';

/** The oversight figures' answer (issue 14 point 6); the OpenAPI document comes from it. */
const count = z.number().int().min(0);
const statusCounts = Object.fromEntries(PERSONA_STATUSES.map((s) => [s, count.describe(`Personas now ${s}`)])) as Record<
  (typeof PERSONA_STATUSES)[number],
  typeof count
>;

export const oversightSchema = z.object({
  asOf: z.string().describe('Today in London (YYYY-MM-DD): overdue means a review due before it'),
  totals: z.object({
    personas: count,
    ...statusCounts,
    uses: count.describe('Every use in the use log'),
    overdueReviews: count.describe('Active or suspended personas whose review is overdue (new uses are refused)'),
  }),
  authorisationsByYear: z
    .array(z.object({ year: z.number().int(), authorised: count, refused: count }))
    .describe('Decisions on requests by London calendar year, from the status history'),
  byPlatform: z
    .array(z.object({ website: z.string().describe('The website, trimmed and in lowercase'), personas: count, ...statusCounts }))
    .describe('Personas by platform; each row adds up to its personas, the rows to the totals'),
  usesByMonth: z.array(z.object({ month: z.string().describe('YYYY-MM, London'), uses: count })).describe('Months with uses, oldest first'),
  overdueReviews: z
    .object({
      count,
      items: z
        .array(z.object({ id: z.string(), website: z.string(), reviewDueOn: z.string(), daysOverdue: count }))
        .optional()
        .describe('Authorising officers only: which personas, most overdue first'),
    })
    .describe('The overdue reviews: their number for everyone who reads the figures, the list for authorising officers'),
});
export type OversightAnswer = z.infer<typeof oversightSchema>;
