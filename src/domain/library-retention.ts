/**
 * The Domain library's retention dates (SOP 10.8, 2.2; DESIGN.md "Domain library"): an entry is
 * kept 12 calendar months from the platform's first removal, unless held for an investigation
 * (CPIA 1996). Pure: calendar dates in, calendar dates out, no clock.
 */

/** SOP 2.2: how long removed musical content is kept. */
const LIBRARY_RETENTION_MONTHS = 12;

/**
 * The date `months` calendar months after a YYYY-MM-DD date. A day the later month does not have
 * falls back to that month's last day: 29 February 2024 + 12 months is 28 February 2025, and
 * 31 March + 1 month is 30 April (the period never runs past the month it ends in).
 */
export function addCalendarMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** SOP 10.8, 2.2: the day a library entry expires, 12 calendar months after its first removal. */
export const libraryExpiresOn = (removedOn: string) => addCalendarMonths(removedOn, LIBRARY_RETENTION_MONTHS);

/** The YYYY-MM-DD date `days` days after another (for "expiring within 30 days"). */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
