import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { isRealDate, londonStartOfDay } from '../../domain/dates.js';
import type { AuditFilter } from './audit.repository.js';
import { AUDIT_OPERATIONS } from '../../domain/vocabulary.js';

export const AUDIT_PAGE_SIZE = 50;

/** An empty box in a GET form means "no filter", not "match the empty string". */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : Array.isArray(v) ? v[0] : v);

const text = (label: string, max: number) =>
  z.preprocess(
    blank,
    plainText({ error: `Enter a ${label}` })
      .trim()
      .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`)
      .optional(),
  );

/** `2026-03-27` or `27/3/2026`, as a calendar date `YYYY-MM-DD`. */
const calendarDate = (label: string) =>
  z.preprocess(
    blank,
    plainText()
      .trim()
      .transform((v) => {
        const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
        return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : v;
      })
      .refine(isRealDate, `${label} must be a real date, for example 27/3/2026`)
      .optional(),
  );

/** The audit page's filters, as they arrive in the query string. */
export const auditQuerySchema = z
  .object({
    /** The username of whoever made the change. */
    // Usernames are lower-case (users.schemas.ts), so a typed capital still finds them.
    actor: text('username', 64).transform((v) => v?.toLowerCase()),
    /** What kind of record: user, session, referral, api_token, … */
    entity: text('entity', 60),
    /** One record's id. */
    entityId: text('entity id', 100),
    /** A DPA 2018 s.62 operation, or a sign-in event. */
    operation: z.preprocess(blank, z.enum(AUDIT_OPERATIONS, { error: 'Choose an operation from the list' }).optional()),
    /** From the start of this day (Europe/London). */
    from: calendarDate('The from date'),
    /** To the end of this day (Europe/London), inclusive. */
    to: calendarDate('The to date'),
    page: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1)),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The to date must be the same as or after the from date' });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** People pick days in London time; the log stores UTC instants. `to` includes its whole day. */
export const toAuditFilter = (q: AuditQuery): AuditFilter => ({
  actor: q.actor,
  entity: q.entity,
  entityId: q.entityId,
  operation: q.operation,
  from: q.from ? londonStartOfDay(q.from) : undefined,
  to: q.to ? londonStartOfDay(q.to, 1) : undefined,
});

/** The filters as a query string, so that page links keep them. */
export function auditQueryString(q: Partial<AuditQuery>, page?: number): string {
  const params = new URLSearchParams();
  for (const k of ['actor', 'entity', 'entityId', 'operation', 'from', 'to'] as const) if (q[k]) params.set(k, String(q[k]));
  if (page) params.set('page', String(page));
  return params.toString();
}
