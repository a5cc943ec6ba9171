import { z } from 'zod';

/** The highest page a list answers: far past any list's end, a bound on the number all the same. */
export const MAX_PAGE = 1_000_000;
/** The most rows a page of any list holds. */
const MAX_PAGE_SIZE = 100;

const whole = (what: string, max: number) => `${what} must be a whole number from 1 to ${max.toLocaleString('en-GB')}`;

/**
 * `page` and `pageSize` of every paged list in the API (the referrals, the library, the retention
 * certificates): the same words, bounds and defaults everywhere. Spread into a query schema.
 */
export const pagingQuery = {
  page: z.coerce
    .number({ error: whole('Page', MAX_PAGE) })
    .int(whole('Page', MAX_PAGE))
    .min(1, whole('Page', MAX_PAGE))
    .max(MAX_PAGE, whole('Page', MAX_PAGE))
    .default(1)
    .describe('From 1'),
  pageSize: z.coerce
    .number({ error: whole('Page size', MAX_PAGE_SIZE) })
    .int(whole('Page size', MAX_PAGE_SIZE))
    .min(1, whole('Page size', MAX_PAGE_SIZE))
    .max(MAX_PAGE_SIZE, whole('Page size', MAX_PAGE_SIZE))
    .default(20)
    .describe(`1 to ${MAX_PAGE_SIZE}, default 20`),
};

/** The answer of a paged list: its rows, how many there are in all, and which page this is. */
export const pagedAnswer = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });
