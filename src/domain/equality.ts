/**
 * The equality report's arithmetic (Equality Act 2010 s.149; issue 15 point 5; docs/equality-method.md):
 * subjects per high-level ethnic group, a rate per 1,000 of the group's resident population, the ratio
 * of each group's rate to the White group's ("X times as likely"), and a 95 % confidence interval of
 * that ratio by the log method (Katz et al. 1978; the method the Home Office uses for stop and search):
 *
 *   RR = (a / N1) / (b / N2),  SE(ln RR) = sqrt(1/a − 1/N1 + 1/b − 1/N2),  CI = exp(ln RR ± 1.96 · SE)
 *
 * where a, N1 are the group's subjects and population and b, N2 the White group's. Any count below 5 is
 * suppressed (its figures null): a small count may identify a person, and its rate says little. A ratio
 * needs both counts, so every ratio is null when the White count is suppressed. Pure: no I/O.
 */
import { ETHNIC_GROUPS, type EthnicGroup } from './ethnicity.js';

/** Counts below this are not published (issue 15 point 5). */
export const SUPPRESS_BELOW = 5;
const Z95 = 1.959963984540054;

export type GroupCounts = Record<EthnicGroup, number>;
export type Population = Record<EthnicGroup, number>;
export type Interval = { lower: number; upper: number };

export type GroupFigures = {
  group: EthnicGroup;
  subjects: number | null;
  ratePer1000: number | null;
  ratioToWhite: number | null;
  ci95: Interval | null;
  suppressed: boolean;
};

/** Four significant figures: rates per 1,000 of a city's population are small numbers. */
const significant = (x: number, digits = 4) => Number(x.toPrecision(digits));
/** Ratios and their intervals to two decimal places, as they are published. */
const twoPlaces = (x: number) => Math.round(x * 100) / 100;

const ratePer1000 = (count: number, population: number) => (count / population) * 1000;

/** The rate ratio of (a of N1) to (b of N2) and its 95 % interval by the log method; all counts positive. */
export function rateRatio(a: number, n1: number, b: number, n2: number): { ratio: number; ci95: Interval } {
  if (a <= 0 || b <= 0 || n1 <= 0 || n2 <= 0) throw new RangeError('A rate ratio needs positive counts and populations');
  const ratio = a / n1 / (b / n2);
  const se = Math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2);
  return { ratio, ci95: { lower: Math.exp(Math.log(ratio) - Z95 * se), upper: Math.exp(Math.log(ratio) + Z95 * se) } };
}

/** One row per group, in the census's order, suppressed and rounded as published. */
export function equalityFigures(counts: GroupCounts, population: Population): GroupFigures[] {
  const white = counts.white;
  const whiteShown = white >= SUPPRESS_BELOW;
  return ETHNIC_GROUPS.map((group) => {
    const count = counts[group];
    if (count < SUPPRESS_BELOW) return { group, subjects: null, ratePer1000: null, ratioToWhite: null, ci95: null, suppressed: true };
    const rate = significant(ratePer1000(count, population[group]));
    if (group === 'white') return { group, subjects: count, ratePer1000: rate, ratioToWhite: 1, ci95: null, suppressed: false };
    if (!whiteShown) return { group, subjects: count, ratePer1000: rate, ratioToWhite: null, ci95: null, suppressed: false };
    const rr = rateRatio(count, population[group], white, population.white);
    return {
      group,
      subjects: count,
      ratePer1000: rate,
      ratioToWhite: twoPlaces(rr.ratio),
      ci95: { lower: twoPlaces(rr.ci95.lower), upper: twoPlaces(rr.ci95.upper) },
      suppressed: false,
    };
  });
}

/** A count as published: null below the threshold (the transparency report's small counts too). */
export const published = (count: number): number | null => (count < SUPPRESS_BELOW ? null : count);

export const zeroCounts = (): GroupCounts => ({ white: 0, mixed: 0, asian: 0, black: 0, other: 0 });
