/**
 * A report's period is whole quarters (decision 021: the retained facts know the quarter only). A
 * `from` or `to` inside a quarter widens to the whole quarter, and the answer says which it counted.
 * Dates are YYYY-MM-DD, London calendar days. Pure.
 */
export type Period = { from: string; to: string; firstQuarter: string; lastQuarter: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** The first day of the quarter holding `day`. */
export function quarterStart(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return `${y}-${pad(Math.floor((m - 1) / 3) * 3 + 1)}-01`;
}

/** The last day of the quarter starting on `start`. */
function quarterEnd(start: string): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  const lastMonth = m + 2;
  const lastDay = new Date(Date.UTC(y, lastMonth, 0)).getUTCDate();
  return `${y}-${pad(lastMonth)}-${pad(lastDay)}`;
}

/** "2026-04-01" → "2026 Q2": how a quarter is named on pages and in CSV. */
export function quarterLabel(start: string): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  return `${y} Q${Math.floor((m - 1) / 3) + 1}`;
}

/** Whole quarters from the one holding `from` to the one holding `to` (from ≤ to). */
export function periodOf(from: string, to: string): Period {
  const firstQuarter = quarterStart(from);
  const lastQuarter = quarterStart(to);
  return { from: firstQuarter, to: quarterEnd(lastQuarter), firstQuarter, lastQuarter };
}

/** Every quarter of a period, oldest first. */
export function quartersOf(period: Pick<Period, 'firstQuarter' | 'lastQuarter'>): string[] {
  const out: string[] = [];
  for (let q = period.firstQuarter; q <= period.lastQuarter;) {
    out.push(q);
    const [y, m] = q.split('-').map(Number) as [number, number];
    q = m === 10 ? `${y + 1}-01-01` : `${y}-${pad(m + 3)}-01`;
  }
  return out;
}

/** A calendar year (the transparency report's period). */
export const yearPeriod = (year: number): Period => periodOf(`${year}-01-01`, `${year}-12-31`);
