/**
 * The reports as CSV rows (issue 15 points 4, 5, 7): the same figures as the JSON, a suppressed or
 * missing figure as an empty field, never a zero. Pure; `toCsv` (csv.ts) writes them.
 */
import type { CsvValue } from './csv.js';
import type { GroupFigures } from './equality.js';
import { AGE_BANDS, type AgeBand } from './vocabulary.js';

const cell = (v: number | null | undefined): CsvValue => (v === null || v === undefined ? '' : v);

export const CHILDREN_HEADER = ['quarter', ...AGE_BANDS, 'children', 'subjects'];
export function childrenRows(
  quarters: readonly { quarter: string; byAgeBand: Record<AgeBand, number>; children: number; subjects: number }[],
): CsvValue[][] {
  return quarters.map((q) => [q.quarter, ...AGE_BANDS.map((b) => q.byAgeBand[b]), q.children, q.subjects]);
}

export const EQUALITY_HEADER = [
  'breakdown',
  'group',
  'subjects',
  'rate_per_1000',
  'ratio_to_white',
  'ci95_lower',
  'ci95_upper',
  'suppressed',
];
export function equalityRows(breakdowns: Record<string, readonly GroupFigures[]>): CsvValue[][] {
  return Object.entries(breakdowns).flatMap(([breakdown, groups]) =>
    groups.map((g) => [
      breakdown,
      g.group,
      cell(g.subjects),
      cell(g.ratePer1000),
      cell(g.ratioToWhite),
      cell(g.ci95?.lower),
      cell(g.ci95?.upper),
      g.suppressed ? 'yes' : 'no',
    ]),
  );
}

export const FIGURE_HEADER = ['figure', 'key', 'value'];
/** A report's figures as figure, key, value rows: `lists` for the counted lists, `single` for one value each. */
export function figureRows(
  lists: Record<string, readonly { key: string; notices: number | null }[]>,
  single: Record<string, number | null>,
): CsvValue[][] {
  return [
    ...Object.entries(single).map(([figure, v]) => [figure, '', cell(v)]),
    ...Object.entries(lists).flatMap(([figure, items]) => items.map((i) => [figure, i.key, cell(i.notices)])),
  ];
}
