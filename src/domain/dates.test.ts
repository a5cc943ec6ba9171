import { describe, expect, it } from 'vitest';
import { isRealDate, londonOffsetMs, londonStartOfDay, londonTimeToUtc, londonToday } from './dates.js';

describe('London dates and times (STYLE.md: people see London, the database keeps UTC)', () => {
  it('knows the offset in winter and in summer', () => {
    expect(londonOffsetMs(new Date('2026-01-15T12:00:00.456Z'))).toBe(0);
    expect(londonOffsetMs(new Date('2026-07-15T12:00:00.789Z'))).toBe(3_600_000);
  });

  it('starts a London day at local midnight, across the clock changes', () => {
    expect(londonStartOfDay('2026-01-15').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(londonStartOfDay('2026-07-15').toISOString()).toBe('2026-07-14T23:00:00.000Z');
    // 29 March 2026: clocks go forward at 01:00 UTC; that day still begins at 00:00 GMT.
    expect(londonStartOfDay('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(londonStartOfDay('2026-03-29', 1).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('turns a London wall-clock time into UTC, taking the first of a repeated hour', () => {
    expect(londonTimeToUtc('2026-01-15', { hour: 9, minute: 30 })).toBe('2026-01-15T09:30:00.000Z');
    expect(londonTimeToUtc('2026-07-15', { hour: 9, minute: 30 })).toBe('2026-07-15T08:30:00.000Z');
    // 25 October 2026: 01:30 happens twice; the first is BST.
    expect(londonTimeToUtc('2026-10-25', { hour: 1, minute: 30 })).toBe('2026-10-25T00:30:00.000Z');
  });

  it("gives today's London date, which is not the UTC date just before midnight in summer", () => {
    expect(londonToday(new Date('2026-07-15T23:30:00Z'))).toBe('2026-07-16');
  });

  it('accepts only real calendar days', () => {
    expect(isRealDate('2028-02-29')).toBe(true);
    expect(isRealDate('2026-02-29')).toBe(false);
    expect(isRealDate('2026-13-01')).toBe(false);
  });
});
