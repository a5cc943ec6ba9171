import { describe, expect, it } from 'vitest';
import { isChildAgeBand, needsSafeguarding, safeguardingComment } from './safeguarding.js';

describe('safeguarding (DESIGN.md "Safeguarding"; SOP 9.2.7)', () => {
  it.each([
    ['under_13', true],
    ['13_15', true],
    ['16_17', true],
    ['18_24', false],
    ['25_plus', false],
    // Not known is recorded as such, not taken for a child.
    ['unknown', false],
  ])('a subject aged %s is a child: %s', (band, child) => {
    expect(isChildAgeBand(band)).toBe(child);
    expect(needsSafeguarding([{ ageBand: '25_plus' }, { ageBand: band }])).toBe(child);
  });

  it('needs an answer for an adult subject when the review cites exploitation (SOP 9.2.7)', () => {
    expect(needsSafeguarding([{ ageBand: '18_24' }], ['inflammatory_language', 'exploitation_concern'])).toBe(true);
    expect(needsSafeguarding([], ['exploitation_concern'])).toBe(true);
  });

  it('needs none for adults, no subjects, or other factors', () => {
    expect(needsSafeguarding([])).toBe(false);
    expect(needsSafeguarding([{ ageBand: '18_24' }, { ageBand: 'unknown' }], ['gang_affiliated_subjects', 'humiliation'])).toBe(false);
  });

  it('words the timeline entry with its stage, action and detail', () => {
    expect(safeguardingComment({ stage: 'intake', action: 'referred', detail: 'Lambeth MASH, ref MASH/2026/0441' })).toBe(
      'Requester, at intake: Referred to a safeguarding team. Lambeth MASH, ref MASH/2026/0441',
    );
  });
});
