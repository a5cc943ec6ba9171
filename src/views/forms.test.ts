import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationFailed } from '../errors.js';
import { attempt, checkForm, dateParts, field, fields, formErrors, govukDate, orderErrors, pageErrors, partsOf } from './forms.js';

describe('reading a posted form', () => {
  const body = { name: ['first', 'second'], one: 'a', many: ['x', '', 'y', 3], 'd-day': '7', 'd-month': '3', 'd-year': '2025' };

  it('reads a field as a string (the first value if it came twice), and a missing one as empty', () => {
    expect(field(body, 'name')).toBe('first');
    expect(field(body, 'one')).toBe('a');
    expect(field(body, 'absent')).toBe('');
    expect(field(undefined, 'one')).toBe('');
  });

  it('reads checkboxes as a list of the non-empty strings', () => {
    expect(fields(body, 'many')).toEqual(['x', 'y']);
    expect(fields(body, 'one')).toEqual(['a']);
    expect(fields(body, 'absent')).toEqual([]);
  });

  it('reads a GOV.UK date input’s three boxes, and shows a date back without leading zeros', () => {
    expect(dateParts(body, 'd')).toEqual({ day: '7', month: '3', year: '2025' });
    expect(partsOf('2025-03-07')).toEqual({ day: '7', month: '3', year: '2025' });
    expect(partsOf(undefined)).toEqual({ day: '', month: '', year: '' });
  });
});

describe('govukDate (GOV.UK date input)', () => {
  const label = 'The date of the review';

  it('gives YYYY-MM-DD from the three parts, padded', () =>
    expect(govukDate('reviewedOn', { day: ' 7', month: '3 ', year: '2025' }, label)).toEqual({ value: '2025-03-07' }));

  it('takes all three blank as not given', () => expect(govukDate('reviewedOn', { day: '', month: ' ', year: '' }, label)).toEqual({}));

  it('names the missing parts and links to the first of them', () =>
    expect(govukDate('reviewedOn', { day: '', month: '3', year: '' }, label).error).toEqual({
      path: 'reviewedOn',
      message: 'The date of the review must include a day and a year',
      href: '#reviewedOn-day',
      parts: ['day', 'year'],
    }));

  it('calls a part that is not a number, or a year not of four digits, not a real date', () => {
    expect(govukDate('a.b', { day: '1', month: 'May', year: '2025' }, label).error).toMatchObject({
      message: 'The date of the review must be a real date',
      href: '#a-b-month',
      parts: ['month'],
    });
    expect(govukDate('d', { day: '1', month: '5', year: '25' }, label).error).toMatchObject({ href: '#d-year', parts: ['year'] });
  });
});

describe('checkForm and attempt', () => {
  const schema = z.object({ reason: z.string().min(1, 'Enter a reason') });

  it('gives the data, or the schema’s errors at their API paths', () => {
    expect(checkForm(schema, { reason: 'x' })).toEqual({ data: { reason: 'x' } });
    expect(checkForm(schema, { reason: '' })).toEqual({ errors: [{ path: 'reason', message: 'Enter a reason' }] });
  });

  it('gives what the service returns, or the field errors it refused with; anything else is thrown', async () => {
    expect(await attempt(async () => 42)).toEqual({ data: 42 });
    const refused = new ValidationFailed([{ path: 'reason', message: 'No' }]);
    expect(
      await attempt(async () => {
        throw refused;
      }),
    ).toEqual({ errors: refused.fields });
    await expect(
      attempt(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});

describe('pageErrors: from API paths to the page', () => {
  it('maps paths by the first matching rule, links a date to its day box, and keeps other paths', () => {
    const errs = [
      { path: 'safeguarding.detail', message: 'Say more' },
      { path: 'platformReferrals[1].draft', message: 'Too long' },
      { path: 'reviewedOn', message: 'Not in the future' },
      { path: 'rationale', message: 'Enter it' },
    ];
    const out = pageErrors(errs, {
      paths: [
        ['safeguarding.detail', 'safeguardingDetail'],
        [/^platformReferrals\[(\d+)\]\.draft$/, (m) => `draft_${['a', 'b'][Number(m[1])]}`],
        [/^safeguarding/, 'never'],
      ],
      dates: ['reviewedOn'],
    });
    expect(out).toEqual([
      { path: 'safeguardingDetail', message: 'Say more' },
      { path: 'draft_b', message: 'Too long' },
      { path: 'reviewedOn', message: 'Not in the future', href: '#reviewedOn-day' },
      { path: 'rationale', message: 'Enter it' },
    ]);
  });

  it('keeps a date input’s own link to its wrong part', () =>
    expect(pageErrors([{ path: 'd', message: 'm', href: '#d-year' }], { dates: ['d'] })[0]!.href).toBe('#d-year'));

  it('orders the summary as the page does: a field’s items with it, unlisted fields last, ties as they came', () => {
    const errs = [
      { path: 'other', message: '1' },
      { path: 'reason', message: '2' },
      { path: 'hosts[3]', message: '3' },
      { path: 'appeal', message: '4' },
      { path: 'reason', message: '5' },
    ];
    expect(orderErrors(errs, ['appeal', 'hosts', 'reason']).map((e) => e.message)).toEqual(['4', '3', '2', '5', '1']);
  });
});

describe('formErrors (GOV.UK error summary)', () => {
  it('links each field once, to its id or its own href, with its first message', () =>
    expect(
      formErrors([
        { path: 'subjects[0].ageBand', message: 'Choose an age band' },
        { path: 'subjects[0].ageBand', message: 'Second' },
        { path: 'contentUploadedOn', message: 'Real date', href: '#contentUploadedOn-month' },
      ]),
    ).toEqual({
      errors: { 'subjects[0].ageBand': 'Choose an age band', contentUploadedOn: 'Real date' },
      errorList: [
        { text: 'Choose an age band', href: '#subjects-0-ageBand' },
        { text: 'Real date', href: '#contentUploadedOn-month' },
      ],
    }));
});
