import { describe, expect, it } from 'vitest';
import { contentTypesOf, median, platformActionOf, transparencyFigures, type NoticeFact } from './transparency.js';
import { REVIEW_FACTORS } from './vocabulary.js';

/** Issue 15 point 7: the transparency report's rules, pure (SOP 4.1.6, 9.2.1-9.2.7, 10.6-10.7). */
describe('contentTypesOf (SOP 9.2 factors to SOP 4.1.6 types)', () => {
  it('maps every review factor to one of the four types, each type once, in 4.1.6’s order', () => {
    for (const f of REVIEW_FACTORS) expect(contentTypesOf([f]), f).toHaveLength(1);
    expect(
      contentTypesOf(['exploitation_concern', 'illegal_commodity_sales', 'inflammatory_language', 'gang_affiliated_subjects']),
    ).toEqual(['illegal_commodities', 'provoking_violence', 'exploitation']);
    expect(contentTypesOf(['humiliation'])).toEqual(['inflammatory_distressing']);
    expect(contentTypesOf([])).toEqual([]);
  });
});

describe('platformActionOf and median', () => {
  it('takes the platform’s last word', () => {
    expect(platformActionOf('removed', null)).toBe('removed');
    expect(platformActionOf('not_removed', 'removed')).toBe('removed');
    expect(platformActionOf('not_removed', 'upheld')).toBe('not_removed');
    expect(platformActionOf(null, null)).toBe('awaiting_decision');
  });

  it('gives the middle value, or the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('transparencyFigures', () => {
  const notice = (over: Partial<NoticeFact> = {}): NoticeFact => ({
    platform: 'youtube',
    factors: ['inflammatory_language'],
    decision: 'removed',
    finalDecision: null,
    daysToDecision: 2,
    appealed: false,
    involvesChild: false,
    ...over,
  });

  it('suppresses every count below 5 and the share that would need one', () => {
    const f = transparencyFigures([...Array.from({ length: 6 }, () => notice()), notice({ involvesChild: true, platform: 'x' })]);
    expect(f.notices).toBe(7);
    expect(f.byPlatform).toEqual([
      { key: 'x', notices: null },
      { key: 'youtube', notices: 6 },
    ]);
    expect(f.children).toEqual({ notices: null, percent: null });
    expect(f.medianDaysToDecision).toBe(2);
  });

  it('gives the children’s share when both counts are published', () => {
    const f = transparencyFigures([
      ...Array.from({ length: 5 }, () => notice({ involvesChild: true })),
      ...Array.from({ length: 7 }, () => notice()),
    ]);
    expect(f.children).toEqual({ notices: 5, percent: 41.7 });
  });
});
