import { describe, expect, it } from 'vitest';
import { addCalendarMonths, addDays, libraryExpiresOn } from './library-retention.js';

describe('library retention dates (SOP 10.8, 2.2)', () => {
  it('keeps an entry 12 calendar months from its first removal', () => {
    expect(libraryExpiresOn('2026-03-03')).toBe('2027-03-03');
    expect(libraryExpiresOn('2026-12-31')).toBe('2027-12-31');
    expect(libraryExpiresOn('2026-01-01')).toBe('2027-01-01');
  });

  it('ends on 28 February for a removal on 29 February, never on 1 March', () => {
    expect(libraryExpiresOn('2024-02-29')).toBe('2025-02-28');
    expect(libraryExpiresOn('2028-02-29')).toBe('2029-02-28');
  });

  it('falls back to the last day of a shorter month, across year ends, and back in time', () => {
    expect(addCalendarMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-01-15', -13)).toBe('2024-12-15');
  });

  it('counts days across months, leap days and years', () => {
    expect(addDays('2026-12-20', 30)).toBe('2027-01-19');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-29', 0)).toBe('2026-03-29');
  });
});
