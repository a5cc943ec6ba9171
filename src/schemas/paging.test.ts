import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_PAGE, pagingQuery } from './paging.js';

const schema = z.object(pagingQuery);
const problems = (q: Record<string, string>) => {
  const r = schema.safeParse(q);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('paging of every list', () => {
  it('defaults to the first page of 20 and reads numbers from the query string', () => {
    expect(schema.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(schema.parse({ page: '3', pageSize: '100' })).toEqual({ page: 3, pageSize: 100 });
  });

  it('refuses what is not a whole number in bounds, naming the field', () => {
    for (const page of ['0', '-1', '1.5', 'two', String(MAX_PAGE + 1), '1e400'])
      expect(problems({ page }), page).toEqual(['page: Page must be a whole number from 1 to 1,000,000']);
    for (const pageSize of ['0', '101', '2.5', '\u0000'])
      expect(problems({ pageSize }), pageSize).toEqual(['pageSize: Page size must be a whole number from 1 to 100']);
  });
});
