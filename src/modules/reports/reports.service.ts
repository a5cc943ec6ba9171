import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { toCsv } from '../../domain/csv.js';
import { londonToday } from '../../domain/dates.js';
import { childrenFigures, equalityReport } from '../../domain/report-figures.js';
import { CHILDREN_HEADER, childrenRows, EQUALITY_HEADER, equalityRows, FIGURE_HEADER, figureRows } from '../../domain/report-csv.js';
import { periodOf, quartersOf, quarterStart, yearPeriod, type Period } from '../../domain/report-period.js';
import { transparencyFigures } from '../../domain/transparency.js';
import { Forbidden } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PopulationData } from './reports.population.js';
import { readsReports } from './reports.policy.js';
import { createReportsRepository } from './reports.repository.js';
import type { EqualityAnswer, PeriodQuery, TransparencyAnswer } from './reports.schemas.js';

export type ReportsDeps = { db: Db; clock: () => Date; audit: AuditService; population: PopulationData };
type Format = 'json' | 'csv';
type Report = 'children' | 'equality' | 'transparency';

const PURPOSE: Record<Report, string> = {
  children: 'Subjects recorded by age band per quarter (issue 15 point 4, DESIGN.md principle 2)',
  equality: 'Equality monitoring (Equality Act 2010 s.149, issue 15 point 5)',
  transparency: 'Transparency report (issue 15 point 7)',
};

/**
 * The reports (issue 15 points 4, 5, 7): each reading and its audit entry in one transaction; every
 * generation and export is a report in the audit log (point 8), with the period and the format, no
 * figure and nothing about a person.
 */
export function createReportsService({ db, clock, audit, population }: ReportsDeps) {
  const repo = createReportsRepository();
  const populationSource = `${population.area}; ${population.census}; ${population.source}`;

  function report<T>(actor: Actor, name: Report, format: Format, period: Period, read: (tx: DbOrTx) => Promise<T>): Promise<T> {
    if (!readsReports(actor)) throw new Forbidden('Only inspectors and auditors may read the reports');
    return db.transaction(async (tx) => {
      const figures = await read(tx);
      await audit.record(tx, {
        actor,
        operation: 'consult',
        entity: 'report',
        purpose: PURPOSE[name],
        detail: { report: name, format, from: period.from, to: period.to },
      });
      return figures;
    });
  }

  /** Whole quarters; by default the four up to and including today's. */
  function periodFor(q: Pick<PeriodQuery, 'from' | 'to'>): Period {
    const to = q.to ?? londonToday(clock());
    const [y, m] = quarterStart(to).split('-').map(Number) as [number, number];
    const from = q.from ?? (m === 10 ? `${y}-01-01` : `${y - 1}-${String(m + 3).padStart(2, '0')}-01`);
    return periodOf(from, to);
  }

  const equalityOf = (tx: DbOrTx, period: Period) => repo.subjectCounts(tx, period).then((rows) => equalityReport(rows, population.groups));

  const children = (actor: Actor, q: PeriodQuery) => {
    const period = periodFor(q);
    return report(actor, 'children', q.format, period, async (tx) => ({
      from: period.from,
      to: period.to,
      ...childrenFigures(await repo.subjectCounts(tx, period), quartersOf(period)),
    }));
  };

  const equality = (actor: Actor, q: PeriodQuery): Promise<EqualityAnswer> => {
    const period = periodFor(q);
    return report(actor, 'equality', q.format, period, async (tx) => ({
      from: period.from,
      to: period.to,
      populationSource,
      ...(await equalityOf(tx, period)),
    }));
  };

  const transparency = (actor: Actor, q: { year?: number; format: Format }): Promise<TransparencyAnswer> => {
    const year = q.year ?? Number(londonToday(clock()).slice(0, 4)) - 1;
    const period = yearPeriod(year);
    return report(actor, 'transparency', q.format, period, async (tx) => {
      const figures = transparencyFigures(await repo.noticeFacts(tx, period));
      const { groups } = await equalityOf(tx, period);
      return { year, from: period.from, to: period.to, ...figures, equality: { populationSource, groups } };
    });
  };

  return {
    population,
    children,
    equality,
    transparency,

    async childrenCsv(actor: Actor, q: PeriodQuery): Promise<string> {
      return toCsv(CHILDREN_HEADER, childrenRows((await children(actor, q)).quarters));
    },

    async equalityCsv(actor: Actor, q: PeriodQuery): Promise<string> {
      const e = await equality(actor, q);
      return toCsv(EQUALITY_HEADER, equalityRows({ all: e.groups, ...e.byOutcome }));
    },

    async transparencyCsv(actor: Actor, q: { year?: number; format: Format }): Promise<string> {
      const r = await transparency(actor, q);
      const single = {
        notices: r.notices,
        median_days_to_decision: r.medianDaysToDecision,
        decisions: r.decisions,
        appeals: r.appeals,
        overturns: r.overturns,
        children_notices: r.children.notices,
        children_percent: r.children.percent,
      };
      const lists = { platform: r.byPlatform, content_type: r.byContentType, platform_action: r.byPlatformAction };
      const equalityLines = r.equality.groups.flatMap((g) => [
        ['equality_subjects', g.group, g.subjects ?? ''],
        ['equality_rate_per_1000', g.group, g.ratePer1000 ?? ''],
        ['equality_ratio_to_white', g.group, g.ratioToWhite ?? ''],
      ]);
      return toCsv(FIGURE_HEADER, [...figureRows(lists, single), ...equalityLines]);
    },
  };
}
