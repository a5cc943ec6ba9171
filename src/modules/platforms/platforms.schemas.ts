import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { type Clause } from '../../db/schema/platforms.js';
import { isHttpUrl } from '../../domain/content-url.js';
import { DRAFT_PLACEHOLDERS } from '../../domain/referral-draft.js';
import { CHANNELS } from '../../domain/vocabulary.js';

const platformSchema = z.object({
  key: z.string().describe('Directory key, e.g. youtube'),
  name: z.string(),
  channel: z.enum(CHANNELS).describe('SOP 10.5: how referrals reach the platform'),
  clauses: z.array(z.object({ key: z.string(), title: z.string() })).describe('Terms-of-service clauses a review may cite (SOP 9.4)'),
});
export const platformListSchema = z.array(platformSchema);

/**
 * The directory admin form (SOP 10.5, 4.1.4). Clauses come as lines `key | title` and host names
 * one per line; both are parsed here, and a bad line is named in the error, so the page and any
 * caller of the service get the same messages.
 */
export const PLATFORM_KEY = /^[a-z0-9_]+$/;
const CLAUSE_KEY = /^[a-z0-9_]+$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ANY_PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l, i) => ({ n: i + 1, text: l.trim() }))
    .filter((l) => l.text !== '');

const optionalUrl = (what: string) =>
  plainText()
    .trim()
    .max(2_048, `${what} must be 2,048 characters or fewer`)
    .refine((v) => v === '' || isHttpUrl(v), `${what} must start with http:// or https://`)
    .transform((v) => v || null);

export const platformFormSchema = z.object({
  name: plainText({ error: 'Enter the platform’s name' })
    .trim()
    .min(1, 'Enter the platform’s name')
    .max(80, 'Name must be 80 characters or fewer'),
  channel: z.enum(CHANNELS, { error: 'Choose how the platform receives referrals' }),
  contact: plainText()
    .trim()
    .max(300, 'Contact must be 300 characters or fewer')
    .default('')
    .transform((v) => v || null),
  termsUrl: optionalUrl('The terms of service link').default(''),
  guidelinesUrl: optionalUrl('The community guidelines link').default(''),
  hosts: plainText()
    .max(10_000, 'Host names must be 10,000 characters or fewer')
    .default('')
    .transform((s, ctx) => {
      const hosts = lines(s).map((l) => ({ ...l, text: l.text.toLowerCase().replace(/\.$/, '') }));
      for (const l of hosts)
        if (!HOST.test(l.text))
          ctx.addIssue({ code: 'custom', message: `Host names line ${l.n}: “${l.text}” is not a host name, for example youtube.com` });
      if (!hosts.length) ctx.addIssue({ code: 'custom', message: 'Enter at least one host name' });
      return [...new Set(hosts.map((l) => l.text))];
    }),
  clauses: plainText()
    .max(50_000, 'Clauses must be 50,000 characters or fewer')
    .default('')
    .transform((s, ctx) => {
      const seen = new Set<string>();
      const clauses: Clause[] = [];
      for (const l of lines(s)) {
        const bar = l.text.indexOf('|');
        const key = bar < 0 ? '' : l.text.slice(0, bar).trim();
        const title = bar < 0 ? '' : l.text.slice(bar + 1).trim();
        const problem =
          bar < 0 || !key || !title
            ? 'is not in the form key | title'
            : !CLAUSE_KEY.test(key)
              ? `has the key “${key}”: use only lower-case letters, digits and _`
              : seen.has(key)
                ? `repeats the key “${key}”`
                : title.length > 200
                  ? 'has a title longer than 200 characters'
                  : null;
        if (problem) ctx.addIssue({ code: 'custom', message: `Clauses line ${l.n} (“${l.text}”) ${problem}` });
        else {
          seen.add(key);
          clauses.push({ key, title });
        }
      }
      if (!lines(s).length) ctx.addIssue({ code: 'custom', message: 'Enter at least one clause to cite' });
      return clauses;
    }),
  template: plainText({ error: 'Enter the referral template' })
    .trim()
    .min(1, 'Enter the referral template')
    .max(10_000, 'The template must be 10,000 characters or fewer')
    .superRefine((t, ctx) => {
      const unknown = [...new Set([...t.matchAll(ANY_PLACEHOLDER)].map((m) => m[1]!))].filter(
        (p) => !(DRAFT_PLACEHOLDERS as readonly string[]).includes(p),
      );
      if (unknown.length)
        ctx.addIssue({
          code: 'custom',
          message: `The template uses unknown placeholders: ${unknown.map((p) => `{{${p}}}`).join(', ')}. Use only ${DRAFT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`,
        });
    }),
});
export type PlatformForm = z.infer<typeof platformFormSchema>;

/** Adding a platform also takes its key, which never changes (platform referrals cite it). */
export const newPlatformFormSchema = platformFormSchema.extend({
  key: plainText({ error: 'Enter a key' })
    .trim()
    .min(1, 'Enter a key')
    .max(40, 'The key must be 40 characters or fewer')
    .regex(PLATFORM_KEY, 'The key may use only lower-case letters, digits and _')
    .refine((k) => k !== 'new', 'The key “new” is reserved'),
});
export type NewPlatformForm = z.infer<typeof newPlatformFormSchema>;
