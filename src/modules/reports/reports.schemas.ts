import { z } from 'zod';
import { isRealDate } from '../../domain/dates.js';
import { ETHNIC_GROUPS } from '../../domain/ethnicity.js';
import { CONTENT_TYPES, PLATFORM_ACTIONS } from '../../domain/transparency.js';
import { AGE_BANDS } from '../../domain/vocabulary.js';

/** The reports' queries and answers (issue 15 points 4, 5, 7); the OpenAPI document comes from them. */
const day = (field: string) =>
  z
    .string({ error: `Enter ${field} as YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter ${field} as YYYY-MM-DD`)
    .refine(isRealDate, `Enter ${field} as a real date`);

const FORMATS = ['json', 'csv'] as const;
const format = z.enum(FORMATS, { error: 'Choose json or csv' }).default('json').describe('json (the default) or csv (RFC 4180)');

/** At most ten years: forty quarters. */
const MAX_DAYS = 3_660;
export const periodQuery = z
  .object({
    from: day('the first day').optional().describe('YYYY-MM-DD; widened to the start of its quarter. Default: a year before `to`'),
    to: day('the last day').optional().describe('YYYY-MM-DD; widened to the end of its quarter. Default: today (London)'),
    format,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The last day must not be before the first day' })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_DAYS, {
    path: ['to'],
    message: 'Choose a period of at most ten years',
  });
export type PeriodQuery = z.infer<typeof periodQuery>;

export const yearQuery = z.object({
  year: z.coerce
    .number({ error: 'Enter the year as four digits' })
    .int('Enter the year as four digits')
    .min(2000, 'Enter a year from 2000')
    .max(2100, 'Enter a year before 2100')
    .optional()
    .describe('The calendar year; default: the last full year'),
  format,
});

const count = z.number().int().min(0);
const suppressible = count.nullable().describe('null when below 5 (suppressed)');
const period = { from: z.string().describe('First day counted (a quarter’s)'), to: z.string().describe('Last day counted (a quarter’s)') };

export const childrenSchema = z.object({
  ...period,
  quarters: z
    .array(
      z.object({
        quarter: z.string().describe('e.g. 2026 Q1'),
        start: z.string(),
        byAgeBand: z.object(Object.fromEntries(AGE_BANDS.map((b) => [b, count])) as Record<(typeof AGE_BANDS)[number], typeof count>),
        children: count.describe('Subjects under 18 (under_13, 13_15, 16_17)'),
        subjects: count,
      }),
    )
    .describe('Subjects recorded per quarter of submission, by age band; every quarter of the period, oldest first'),
  totals: z.object({ children: count, subjects: count }),
});

const groupSchema = z.object({
  group: z.enum(ETHNIC_GROUPS),
  subjects: suppressible,
  ratePer1000: z.number().nullable().describe('Per 1,000 of the group’s resident population (4 significant figures)'),
  ratioToWhite: z.number().nullable().describe('The group’s rate over the White rate (2 places); 1 for White'),
  ci95: z.object({ lower: z.number(), upper: z.number() }).nullable().describe('95 % interval of the ratio, log method'),
  suppressed: z.boolean(),
});
const groupsSchema = z.array(groupSchema);

export const equalitySchema = z.object({
  ...period,
  populationSource: z.string().describe('The area, census and table the rates divide by'),
  groups: groupsSchema,
  byOutcome: z
    .object({ referred: groupsSchema, removed: groupsSchema, no_further_action: groupsSchema })
    .describe(
      'The same figures for subjects of referrals sent to a platform, removed (wholly or partly), and closed with no further action',
    ),
  notStated: suppressible.describe('Subjects recorded as "not stated"'),
  notRecorded: suppressible.describe('Subjects with no ethnicity recorded'),
});
export type EqualityAnswer = z.infer<typeof equalitySchema>;

const counted = <K extends readonly [string, ...string[]]>(keys: K) => z.array(z.object({ key: z.enum(keys), notices: suppressible }));

export const transparencySchema = z.object({
  year: z.number().int(),
  ...period,
  notices: suppressible.describe('Notices sent to platforms in the year'),
  byPlatform: z.array(z.object({ key: z.string().describe('Platform key'), notices: suppressible })),
  byContentType: counted([...CONTENT_TYPES, 'not_recorded']).describe(
    'SOP 4.1.6 types from the review’s factors; a notice counts under each of its types',
  ),
  byPlatformAction: counted(PLATFORM_ACTIONS).describe('The platform’s last word: after an appeal, its answer to it'),
  medianDaysToDecision: z.number().nullable().describe('Days from sending to the first decision; null below 5 decisions'),
  decisions: suppressible,
  appeals: suppressible,
  overturns: suppressible.describe('Appeals after which the platform removed the content'),
  children: z.object({ notices: suppressible, percent: z.number().nullable().describe('Share of notices involving a child, %') }),
  equality: equalitySchema.pick({ populationSource: true, groups: true }).describe('The equality report’s groups for the year'),
});
export type TransparencyAnswer = z.infer<typeof transparencySchema>;
