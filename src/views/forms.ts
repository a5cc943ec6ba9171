/**
 * Page forms without plumbing. A page handler reads: parse → map → call the service → redirect or
 * re-render. This module holds every step that is the same on every form: reading fields from a
 * posted body (GOV.UK date inputs too), turning the API's error paths into the page's field ids,
 * ordering the error summary as the fields appear on the page, and re-rendering with 400.
 *
 * A module's own form ↔ API body mapping is pure and lives beside its pages (`review.form.ts`),
 * tested in the unit project. A new form, for example:
 *
 *   const ERRORS: ErrorMap = { paths: [['safeguarding.detail', 'safeguardingDetail']], order: ['reason', 'safeguardingDetail'] };
 *   app.post('/things/:id', { config }, async (req, reply) => {
 *     const form = { reason: field(req.body, 'reason') };                        // parse
 *     const r = checkForm(thingSchema, form);                                      // validate with the API's schema
 *     const done = r.errors ? r : await attempt(() => things.do(actor, id, r.data)); // call the service
 *     if (done.errors) return renderForm(reply, view, { values: form }, pageErrors(done.errors, ERRORS)); // re-render, 400
 *     return reply.redirect(`/things/${id}`);                                      // or redirect
 *   });
 *
 * The template shows `errorList` in a govukErrorSummary and `errors[name]` under each field (the name the
 * error was mapped to; the summary links to the element id `fieldId(name)`, `a[0].b` → `#a-0-b`).
 */
import type { FastifyReply } from 'fastify';
import type { ZodType, z } from 'zod';
import { ValidationFailed, type FieldError } from '../errors.js';
import { zodFields } from '../validation.js';

/* Reading a posted form -------------------------------------------------------------------- */

/** A form field as a string: the first value if a field came twice. */
export const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
};

/** A form field as a list (checkboxes). */
export const fields = (body: unknown, name: string): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};

/** A GOV.UK date input's three boxes, as typed. */
export type DateParts = { day: string; month: string; year: string };

/** The boxes of the date input named `name` (`name-day`, `name-month`, `name-year`). */
export const dateParts = (body: unknown, name: string): DateParts => ({
  day: field(body, `${name}-day`),
  month: field(body, `${name}-month`),
  year: field(body, `${name}-year`),
});

/** A YYYY-MM-DD date as the boxes show it (no leading zeros). */
export const partsOf = (iso: string | undefined): DateParts => {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
};

/** A date input's error names the boxes to mark, and links to the first of them. */
export type DateError = PageError & { parts: (keyof DateParts)[] };

/**
 * A GOV.UK date input's three parts as YYYY-MM-DD, or an error on the first part that is
 * missing or not a number (the summary links to that part). All blank is "not given".
 */
export function govukDate(path: string, parts: DateParts, label: string): { value?: string; error?: DateError } {
  const blank = (['day', 'month', 'year'] as const).filter((k) => !parts[k].trim());
  if (blank.length === 3) return {};
  if (blank.length) {
    const message = `${label} must include a ${blank.join(' and a ')}`;
    return { error: { path, message, href: `#${fieldId(path)}-${blank[0]}`, parts: [...blank] } };
  }
  const notNumber = (['day', 'month', 'year'] as const).filter((k) => !/^\d+$/.test(parts[k].trim()));
  const year = parts.year.trim();
  if (notNumber.length || year.length !== 4) {
    const first = notNumber[0] ?? 'year';
    const message = `${label} must be a real date`;
    return { error: { path, message, href: `#${fieldId(path)}-${first}`, parts: notNumber.length ? notNumber : ['year'] } };
  }
  const pad = (s: string) => s.trim().padStart(2, '0');
  return { value: `${year}-${pad(parts.month)}-${pad(parts.day)}` };
}

/* Validating and calling the service -------------------------------------------------------- */

type Checked<T> = { data: T; errors?: undefined } | { data?: undefined; errors: FieldError[] };

/** Validates a form's values with the API's schema: the data, or the field errors. */
export function checkForm<S extends ZodType>(schema: S, input: unknown): Checked<z.infer<S>> {
  const r = schema.safeParse(input);
  return r.success ? { data: r.data } : { errors: zodFields(r.error) };
}

/** Calls the service: what it returns, or the field errors it refused with (anything else is thrown). */
export async function attempt<T>(run: () => Promise<T>): Promise<Checked<T>> {
  try {
    return { data: await run() };
  } catch (err) {
    if (err instanceof ValidationFailed) return { errors: err.fields };
    throw err;
  }
}

/* From API error paths to the page --------------------------------------------------------- */

/** A field error that may link somewhere other than its field (a date input's wrong part, another page). */
export type PageError = FieldError & { href?: string };

/** An element id for a field path: `subjects[0].ageBand` → `subjects-0-ageBand`. */
const fieldId = (path: string) => path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

/** An API path (exactly, or a pattern) and the page field it belongs to; the first rule that matches wins. */
type PathRule = readonly [string | RegExp, string | ((match: RegExpExecArray) => string)];

/** How a form shows the API's errors. */
export type ErrorMap = {
  /** API paths → the form's field names; a path no rule matches is the field's name already. */
  paths?: readonly PathRule[];
  /** Date inputs: an error on the whole date links to its day box. */
  dates?: readonly string[];
  /** The fields in page order, for the summary (a field not listed comes after; `a` also orders `a[0]` and `a.b`). */
  order?: readonly string[];
};

function mapPath(path: string, rules: readonly PathRule[]): string {
  for (const [pattern, to] of rules) {
    if (typeof pattern === 'string') {
      if (pattern === path) return typeof to === 'string' ? to : path;
      continue;
    }
    const m = pattern.exec(path);
    if (m) return typeof to === 'string' ? to : to(m);
  }
  return path;
}

/** The errors in the order their fields appear on the page; the same field keeps its errors' order. */
export function orderErrors<E extends FieldError>(errs: readonly E[], order: readonly string[]): E[] {
  const rank = (path: string) => {
    const i = order.findIndex((o) => path === o || path.startsWith(`${o}[`) || path.startsWith(`${o}.`));
    return i < 0 ? order.length : i;
  };
  return errs
    .map((e, i) => ({ e, i, r: rank(e.path) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.e);
}

/** The API's (or the schema's) errors as the page shows them: its field names, date links and order. */
export function pageErrors(errs: readonly PageError[], map: ErrorMap = {}): PageError[] {
  const mapped = errs.map((e): PageError => {
    const path = mapPath(e.path, map.paths ?? []);
    const date = !e.href && map.dates?.includes(path);
    return { ...e, path, ...(date ? { href: `#${fieldId(path)}-day` } : {}) };
  });
  return map.order ? orderErrors(mapped, map.order) : mapped;
}

/* Re-rendering ------------------------------------------------------------------------------ */

/** GOV.UK error summary items (each linking to its field) and the message per field (the first one). */
export function formErrors(list: readonly PageError[]) {
  const errors: Record<string, string> = {};
  const errorList: { text: string; href: string }[] = [];
  for (const f of list) {
    if (errors[f.path]) continue;
    errors[f.path] = f.message;
    errorList.push({ text: f.message, href: f.href ?? `#${fieldId(f.path)}` });
  }
  return { errors, errorList };
}

/** Renders a form page: with errors, their summary and a 400 (or the status given); without, a 200. */
export function renderForm(
  reply: FastifyReply,
  view: string,
  context: Record<string, unknown>,
  errs: readonly PageError[] = [],
  status = 400,
) {
  return reply.status(errs.length ? status : 200).page(view, { ...context, ...formErrors(errs) });
}
