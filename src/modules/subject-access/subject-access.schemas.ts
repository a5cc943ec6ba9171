import { z } from 'zod';
import { isRealDate } from '../../domain/dates.js';
import { parseDateOfBirth } from '../../domain/subject-access.js';
import { plainText } from '../../schemas/text.js';

/** Subject access (DPA 2018 s.45, s.54; decision 024): the API and the pages validate with these. */
export const SAR_LIMITS = { name: 200, handle: 100, reason: 2_000, items: 500, maxResults: 200, subjectName: 200 } as const;
const ITEM_KINDS = [
  'subject',
  'referral_rationale',
  'additional_rationale',
  'review',
  'platform_draft',
  'intelligence_record',
  'capture',
  'persona_use',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

const blankAsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = (what: string, max: number) =>
  plainText({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${what[0]!.toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`);

export const searchQuerySchema = z
  .object({
    name: z.preprocess(blankAsAbsent, text('the name', SAR_LIMITS.name).optional()).describe('A name, or "Name (@handle)"'),
    handle: z.preprocess(blankAsAbsent, text('the handle', SAR_LIMITS.handle).optional()).describe('An online handle, with or without @'),
    dateOfBirth: z
      .preprocess(
        blankAsAbsent,
        plainText()
          .trim()
          .max(40, 'Enter the date of birth as a date, for example 3 March 2005')
          .transform((v, ctx) => {
            const iso = parseDateOfBirth(v);
            if (!iso)
              ctx.addIssue({ code: 'custom', message: 'Enter the date of birth as a date, for example 3 March 2005 or 03/03/2005' });
            return iso ?? '';
          })
          .optional(),
      )
      .describe('Day first: 2005-03-03, 3/3/2005, 03.03.2005, 3 March 2005'),
    page: z.coerce
      .number({ error: 'Page must be a whole number from 1 to 10' })
      .int()
      .min(1, 'Page must be a whole number from 1 to 10')
      .max(10, 'Page must be a whole number from 1 to 10')
      .default(1),
  })
  .refine((q) => q.name || q.handle || q.dateOfBirth, { message: 'Enter a name, a handle or a date of birth', path: ['name'] });
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchAnswerSchema = z.object({
  items: z.array(
    z.object({
      kind: z.enum(ITEM_KINDS),
      id: z.string().describe('`kind:id` is what a request names in `itemIds`'),
      referralId: z.string().nullable(),
      reference: z.string().nullable(),
      excerpt: z.string(),
    }),
  ),
  total: z.number().describe(`How many matched (at most ${SAR_LIMITS.maxResults}; narrow the search beyond that)`),
  page: z.number(),
  pageSize: z.number(),
  truncated: z.boolean().describe('True when more matched than the search returns'),
});

const itemId = plainText()
  .max(120, 'Each item is kind:id')
  .refine((v) => {
    const [kind, ...rest] = v.split(':');
    return (ITEM_KINDS as readonly string[]).includes(kind!) && rest.join(':').length > 0;
  }, 'Each item is kind:id, as the search answers it');

const isoDate = (what: string) =>
  plainText({ error: `Enter ${what}` }).refine(
    (v) => isRealDate(v),
    `${what[0]!.toUpperCase()}${what.slice(1)} must be a real date, YYYY-MM-DD`,
  );

export function requestSchemas(today: () => string) {
  return {
    create: z.object({
      subjectName: text('the name of the person asking', SAR_LIMITS.subjectName),
      receivedOn: isoDate('the date the request was received').refine(
        (v) => v <= today(),
        'The date received must be today or in the past',
      ),
      itemIds: z
        .array(itemId, { error: 'Choose the items that relate to the person' })
        .max(SAR_LIMITS.items, `Choose at most ${SAR_LIMITS.items} items`)
        .transform((v) => [...new Set(v)]),
      restriction: z
        .preprocess(blankAsAbsent, text('the reason', SAR_LIMITS.reason).optional())
        .describe('s.45(4): the reason the right is restricted (necessary and proportionate), if it is'),
    }),
    extension: z.object({
      months: z.union([z.literal(1), z.literal(2)], { error: 'Months must be 1 or 2' }),
      reason: text('the reason for the extension', SAR_LIMITS.reason),
    }),
  };
}

export const requestParamsSchema = z.object({ id: z.guid({ error: 'No such request' }) });
export const bundleQuerySchema = z.object({ format: z.enum(['json', 'pdf'], { error: 'Format must be json or pdf' }).default('json') });

export const requestAnswerSchema = z.object({
  id: z.string(),
  subjectName: z.string(),
  receivedOn: z.string(),
  dueOn: z.string().describe('One calendar month from receipt (s.54), or the extended date'),
  originalDueOn: z.string(),
  extendedTo: z.string().nullable(),
  extensionReason: z.string().nullable(),
  restriction: z.object({ reason: z.string() }).nullable().describe('s.45(4): the right restricted, and why'),
  overdue: z.boolean(),
  completedAt: z.string().nullable(),
  items: z.number(),
});
export const createdSchema = z.object({ id: z.string(), dueOn: z.string() });
export const requestListSchema = z.object({ items: z.array(requestAnswerSchema) });

const bundleItem = z.object({
  kind: z.enum(ITEM_KINDS),
  id: z.string(),
  reference: z.string().nullable(),
  source: z.string(),
  recordedAt: z.string().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.null()])).describe('The fields, third parties’ names redacted'),
});
export const bundleSchema = z.object({
  request: z.object({ id: z.string(), subjectName: z.string(), receivedOn: z.string(), dueOn: z.string() }),
  purposes: z.string(),
  legalBasis: z.string(),
  categories: z.array(z.string()),
  recipients: z.string(),
  retention: z.string(),
  rights: z.array(z.string()),
  complaint: z.object({ text: z.string(), name: z.string(), address: z.string(), telephone: z.string(), website: z.string() }),
  source: z.string(),
  restriction: z.object({ reason: z.string() }).nullable(),
  items: z.array(bundleItem),
});
export type Bundle = z.infer<typeof bundleSchema>;
