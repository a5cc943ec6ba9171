import { londonToday } from './dates.js';
import { PERSONA_STATUSES, type PersonaStatus } from './vocabulary.js';

/**
 * The persona register's oversight figures (issue 14 point 6; FOI 003: "a central register is
 * periodically reviewed"), for authorising officers and auditors: pure aggregation of what the
 * repository reads. Every figure adds up: the personas by platform to the personas by status, the
 * uses by month to all uses. Years and months are London's (STYLE.md "Habits").
 */

/** A persona as the figures need it: no name, email or secret. */
export type OversightPersona = { id: string; website: string; status: PersonaStatus; reviewDueOn: string | null };
/** An authorising officer's decision on a request: requested → active, or requested → refused. */
export type OversightDecision = { at: Date; outcome: 'authorised' | 'refused' };

export type OversightInput = {
  now: Date;
  personas: readonly OversightPersona[];
  decisions: readonly OversightDecision[];
  /** Uses counted by London month (YYYY-MM), as the database grouped them. */
  usesByMonth: readonly { month: string; uses: number }[];
};

type StatusCounts = Record<PersonaStatus, number>;

export type OversightFigures = {
  asOf: string;
  totals: { personas: number; uses: number; overdueReviews: number } & StatusCounts;
  authorisationsByYear: { year: number; authorised: number; refused: number }[];
  byPlatform: ({ website: string; personas: number } & StatusCounts)[];
  usesByMonth: { month: string; uses: number }[];
  overdueReviews: { id: string; website: string; reviewDueOn: string; daysOverdue: number }[];
};

/** Reviews are due while a persona may still be used or reinstated: active or suspended (issue 14 point 5). */
const REVIEWED: readonly PersonaStatus[] = ['active', 'suspended'];

const noStatuses = (): StatusCounts => Object.fromEntries(PERSONA_STATUSES.map((s) => [s, 0])) as StatusCounts;

/** One platform however it was typed: " TikTok" and "tiktok" are the same website. */
const platformOf = (website: string) => website.trim().toLowerCase();

/** A review due before today (London) is overdue: it blocks new uses until done. */
const isReviewOverdue = (p: Pick<OversightPersona, 'status' | 'reviewDueOn'>, today: string) =>
  REVIEWED.includes(p.status) && p.reviewDueOn !== null && p.reviewDueOn < today;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export function oversightFigures({ now, personas, decisions, usesByMonth }: OversightInput): OversightFigures {
  const today = londonToday(now);
  const byStatus = noStatuses();
  const platforms = new Map<string, { website: string; personas: number } & StatusCounts>();
  for (const p of personas) {
    byStatus[p.status]++;
    const website = platformOf(p.website);
    const row = platforms.get(website) ?? { website, personas: 0, ...noStatuses() };
    row.personas++;
    row[p.status]++;
    platforms.set(website, row);
  }

  const years = new Map<number, { year: number; authorised: number; refused: number }>();
  for (const d of decisions) {
    const year = Number(londonToday(d.at).slice(0, 4));
    const row = years.get(year) ?? { year, authorised: 0, refused: 0 };
    row[d.outcome]++;
    years.set(year, row);
  }

  const months = new Map<string, number>();
  for (const m of usesByMonth) months.set(m.month, (months.get(m.month) ?? 0) + m.uses);

  const overdueReviews = personas
    .filter((p) => isReviewOverdue(p, today))
    .map((p) => ({
      id: p.id,
      website: platformOf(p.website),
      reviewDueOn: p.reviewDueOn!,
      daysOverdue: daysBetween(p.reviewDueOn!, today),
    }))
    .sort((a, b) => a.reviewDueOn.localeCompare(b.reviewDueOn) || a.id.localeCompare(b.id));

  const usesByMonthSorted = [...months].map(([month, uses]) => ({ month, uses })).sort((a, b) => a.month.localeCompare(b.month));
  return {
    asOf: today,
    totals: {
      personas: personas.length,
      ...byStatus,
      uses: usesByMonthSorted.reduce((sum, m) => sum + m.uses, 0),
      overdueReviews: overdueReviews.length,
    },
    authorisationsByYear: [...years.values()].sort((a, b) => a.year - b.year),
    byPlatform: [...platforms.values()].sort((a, b) => b.personas - a.personas || a.website.localeCompare(b.website)),
    usesByMonth: usesByMonthSorted,
    overdueReviews,
  };
}

/** The figures as CSV records (figure, group, measure, value): counts only, no persona's id. */
export function oversightRecords(f: OversightFigures): [string, string, string, number][] {
  return [
    ...(['personas', ...PERSONA_STATUSES, 'uses', 'overdueReviews'] as const).map((m): [string, string, string, number] => [
      'totals',
      'all',
      m,
      f.totals[m],
    ]),
    ...f.authorisationsByYear.flatMap((y): [string, string, string, number][] => [
      ['authorisations', String(y.year), 'authorised', y.authorised],
      ['authorisations', String(y.year), 'refused', y.refused],
    ]),
    ...f.byPlatform.flatMap((p) =>
      (['personas', ...PERSONA_STATUSES] as const).map((m): [string, string, string, number] => ['platform', p.website, m, p[m]]),
    ),
    ...f.usesByMonth.map((m): [string, string, string, number] => ['uses', m.month, 'uses', m.uses]),
  ];
}
