import { describe, expect, it } from 'vitest';
import { isOverdue, isThePerson, monthsAfter, parseDateOfBirth, personOf, recordedPerson, redact, REDACTED } from './subject-access.js';

describe('s.54: one calendar month', () => {
  it('is the corresponding date of the next month, or its last day', () => {
    expect(monthsAfter('2026-03-03', 1)).toBe('2026-04-03');
    expect(monthsAfter('2026-01-31', 1)).toBe('2026-02-28');
    expect(monthsAfter('2028-01-31', 1)).toBe('2028-02-29');
    expect(monthsAfter('2026-12-15', 1)).toBe('2027-01-15');
    expect(monthsAfter('2026-11-30', 3)).toBe('2027-02-28');
  });
  it('is overdue the day after, unless completed', () => {
    const r = { dueOn: '2026-02-28', extendedTo: null, completedAt: null };
    expect(isOverdue(r, '2026-02-28')).toBe(false);
    expect(isOverdue(r, '2026-03-01')).toBe(true);
    expect(isOverdue({ ...r, extendedTo: '2026-04-30' }, '2026-03-01')).toBe(false);
    expect(isOverdue({ ...r, completedAt: new Date() }, '2026-03-01')).toBe(false);
  });
});

describe('a date of birth as typed, day first', () => {
  it.each([
    ['2005-03-03', '2005-03-03'],
    ['3/3/2005', '2005-03-03'],
    ['03.03.2005', '2005-03-03'],
    ['3-3-2005', '2005-03-03'],
    ['3 March 2005', '2005-03-03'],
    ['3rd of Mar 2005', '2005-03-03'],
    ['March 3, 2005', '2005-03-03'],
    ['14/3/2008', '2008-03-14'],
  ])('%s', (typed, iso) => expect(parseDateOfBirth(typed)).toBe(iso));
  it.each(['31/02/2005', '2005-13-01', 'yesterday', '3 Smarch 2005', ''])('refuses %s', (typed) =>
    expect(parseDateOfBirth(typed)).toBeUndefined(),
  );
});

describe('the person and third parties', () => {
  const me = personOf({ name: 'Zoë Łukasz-O’Brien (@zo_ldn)' });
  it('reads "Name (@handle)" and "@handle" alike', () => {
    expect(me).toEqual({ names: ['Zoë Łukasz-O’Brien'], handles: ['zo_ldn'], datesOfBirth: [] });
    expect(personOf({ handle: '@zo_ldn' }).handles).toEqual(['zo_ldn']);
    expect(personOf({ handle: 'zo_ldn' }).handles).toEqual(['zo_ldn']);
    expect(isThePerson(recordedPerson('@ZO_LDN', null), personOf({ handle: 'zo_ldn' }))).toBe(true);
    expect(isThePerson(recordedPerson('Kane Smith', '2004-01-02'), me)).toBe(false);
  });
  it('redacts every mention of others and keeps the person’s own, even where a third party shares a name part', () => {
    const others = { names: ['Kane Smith', 'Zoë Łukasz-O’Brien'], handles: ['ks_opps'], datesOfBirth: ['2004-01-02'] };
    const text = 'K. Smith (@KS_OPPS, born 2 Jan 2004) named Zoë Łukasz-O’Brien.';
    expect(redact(text, others, me)).toBe(`${REDACTED} (${REDACTED}, born ${REDACTED}) named Zoë Łukasz-O’Brien.`);
  });
});
