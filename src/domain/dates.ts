/** Times are stored in UTC; people see them in Europe/London (STYLE.md "Habits"). */
const dateFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hour12: false });
const calendarDateFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** A YYYY-MM-DD date is a calendar date, not an instant: format it without moving it across zones. */
export function formatDate(v: string | Date): string {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-').map(Number) as [number, number, number];
    return calendarDateFmt.format(new Date(Date.UTC(y, m - 1, d)));
  }
  return dateFmt.format(new Date(v));
}

export function formatDateTime(v: string | Date): string {
  const d = new Date(v);
  return `${dateFmt.format(d)} at ${timeFmt.format(d)}`;
}

const isoDayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Today's date in London as YYYY-MM-DD: "not in the future" means not after this. */
export function londonToday(now: Date): string {
  return isoDayFmt.format(now);
}

/** True when y-m-d names a real calendar day. */
export function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The offset of Europe/London from UTC at an instant, in ms (0 in winter, 1 hour in summer). */
const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
export function londonOffsetMs(at: Date): number {
  const parts = Object.fromEntries(partsFmt.formatToParts(at).map((p) => [p.type, Number(p.value)])) as Record<string, number>;
  const wholeSecond = Math.floor(at.getTime() / 1000) * 1000;
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - wholeSecond;
}

/**
 * The instant a London calendar day begins. Clocks change at 01:00 UTC, so London's offset at
 * 00:00 UTC of that day is the offset at its midnight.
 */
export function londonStartOfDay(iso: string, addDays = 0): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const utcMidnight = new Date(Date.UTC(y, m - 1, d + addDays));
  return new Date(utcMidnight.getTime() - londonOffsetMs(utcMidnight));
}

/**
 * A London wall-clock time on a YYYY-MM-DD date as an ISO 8601 UTC string (people give and see
 * London times; the database keeps UTC). A time that does not exist (the hour skipped when the
 * clocks go forward) is read as summer time; an hour that happens twice takes the first.
 */
export function londonTimeToUtc(date: string, time: { hour: number; minute: number }): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, time.hour, time.minute);
  const offset = (at: number) => londonOffsetMs(new Date(at));
  const first = wall - offset(wall - 3_600_000);
  const at = offset(first) === wall - first ? first : wall - offset(wall);
  return new Date(at).toISOString();
}
