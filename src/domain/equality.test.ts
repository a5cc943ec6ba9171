import { describe, expect, it } from 'vitest';
import { equalityFigures, published, rateRatio, SUPPRESS_BELOW } from './equality.js';
import { ethnicGroupOf, ethnicitiesByGroup } from './ethnicity.js';
import { ETHNICITIES } from './vocabulary.js';

/**
 * Issue 15 point 5: the equality report's figures against a hand-built fixture, the worked example of
 * docs/equality-method.md (London's Census 2021 populations; the expected figures worked by hand:
 * 30 / 1,188,370 × 1,000 = 0.02524; (30 / 1,188,370) / (60 / 4,731,172) = 1.9906;
 * SE = sqrt(1/30 − 1/1,188,370 + 1/60 − 1/4,731,172) = 0.22360; exp(ln 1.9906 ± 1.96 × 0.22360) = 1.28 to 3.09).
 */
const POPULATION = { white: 4_731_172, mixed: 505_775, asian: 1_817_640, black: 1_188_370, other: 556_771 };

describe('equalityFigures (the worked example)', () => {
  const rows = equalityFigures({ white: 60, mixed: 4, asian: 25, black: 30, other: 7 }, POPULATION);
  const row = (g: string) => rows.find((r) => r.group === g)!;

  it('gives the rate per 1,000, the ratio to White and its 95 % interval', () => {
    expect(row('black')).toEqual({
      group: 'black',
      subjects: 30,
      ratePer1000: 0.02524,
      ratioToWhite: 1.99,
      ci95: { lower: 1.28, upper: 3.09 },
      suppressed: false,
    });
    expect(row('asian')).toEqual({
      group: 'asian',
      subjects: 25,
      ratePer1000: 0.01375,
      ratioToWhite: 1.08,
      ci95: { lower: 0.68, upper: 1.73 },
      suppressed: false,
    });
    expect(row('other')).toMatchObject({ subjects: 7, ratioToWhite: 0.99, ci95: { lower: 0.45, upper: 2.17 } });
    expect(row('white')).toEqual({ group: 'white', subjects: 60, ratePer1000: 0.01268, ratioToWhite: 1, ci95: null, suppressed: false });
  });

  it('suppresses a count below 5, every figure of it null', () => {
    expect(row('mixed')).toEqual({ group: 'mixed', subjects: null, ratePer1000: null, ratioToWhite: null, ci95: null, suppressed: true });
    expect(equalityFigures({ white: 60, mixed: 5, asian: 0, black: 30, other: 7 }, POPULATION).map((r) => r.suppressed)).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('gives no ratio at all when the White count is suppressed', () => {
    const noWhite = equalityFigures({ white: 4, mixed: 10, asian: 25, black: 30, other: 7 }, POPULATION);
    expect(noWhite.map((r) => r.ratioToWhite)).toEqual([null, null, null, null, null]);
    expect(noWhite.map((r) => r.ci95)).toEqual([null, null, null, null, null]);
    expect(noWhite.find((r) => r.group === 'black')!.ratePer1000).toBe(0.02524);
  });

  it('keeps the unrounded ratio and interval in rateRatio, and refuses a zero count', () => {
    const rr = rateRatio(30, 1_188_370, 60, 4_731_172);
    expect(rr.ratio).toBeCloseTo(1.990614, 6);
    expect(rr.ci95.lower).toBeCloseTo(1.284265, 6);
    expect(rr.ci95.upper).toBeCloseTo(3.085457, 6);
    expect(() => rateRatio(0, 1, 1, 1)).toThrow(RangeError);
  });

  it('publishes a count only from 5', () => {
    expect([0, 1, SUPPRESS_BELOW - 1, SUPPRESS_BELOW, 12].map(published)).toEqual([null, null, null, 5, 12]);
  });
});

describe('the census groups (GSS 2021)', () => {
  it('puts each of the 19 categories in one of the five groups, and "not stated" in none', () => {
    const grouped = ethnicitiesByGroup();
    expect(grouped.map((g) => [g.group, g.items.length])).toEqual([
      ['white', 5],
      ['mixed', 4],
      ['asian', 5],
      ['black', 3],
      ['other', 2],
    ]);
    expect(grouped.flatMap((g) => g.items.map((i) => i.value))).toEqual(ETHNICITIES.filter((e) => e !== 'not_stated'));
    expect(ethnicGroupOf('not_stated')).toBeNull();
    expect(ethnicGroupOf(null)).toBeNull();
    expect(ethnicGroupOf('black_african')).toBe('black');
  });
});
