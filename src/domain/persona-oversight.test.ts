import { describe, expect, it } from 'vitest';
import { oversightFigures, oversightRecords, type OversightInput } from './persona-oversight.js';
import { PERSONA_STATUSES } from './vocabulary.js';

/** A hand-built register (issue 14 point 6): seven personas on three platforms typed four ways. */
const FIXTURE: OversightInput = {
  // 10:00 on 5 December 2026 in London.
  now: new Date('2026-12-05T10:00:00Z'),
  personas: [
    { id: 'p1', website: 'TikTok', status: 'active', reviewDueOn: '2027-01-10' },
    { id: 'p2', website: ' tiktok ', status: 'active', reviewDueOn: '2026-12-04' }, // overdue by a day
    { id: 'p3', website: 'Instagram', status: 'suspended', reviewDueOn: '2026-11-05' }, // overdue, suspended
    { id: 'p4', website: 'Instagram', status: 'retired', reviewDueOn: '2026-01-01' }, // retired: no review due
    { id: 'p5', website: 'X', status: 'requested', reviewDueOn: null },
    { id: 'p6', website: 'x', status: 'refused', reviewDueOn: null },
    { id: 'p7', website: 'TIKTOK', status: 'active', reviewDueOn: '2026-12-05' }, // due today: not yet overdue
  ],
  decisions: [
    { at: new Date('2025-03-01T12:00:00Z'), outcome: 'authorised' },
    { at: new Date('2025-12-31T23:30:00Z'), outcome: 'authorised' }, // 23:30 GMT: still 2025 in London
    { at: new Date('2025-06-30T23:30:00Z'), outcome: 'refused' }, // 00:30 BST on 1 July: 2025
    { at: new Date('2025-12-31T23:59:59Z'), outcome: 'refused' },
    { at: new Date('2026-01-01T00:00:00Z'), outcome: 'authorised' }, // midnight GMT: 2026
    { at: new Date('2026-08-01T10:00:00Z'), outcome: 'authorised' },
  ],
  usesByMonth: [
    { month: '2026-11', uses: 4 },
    { month: '2025-12', uses: 2 },
    { month: '2026-01', uses: 7 },
  ],
};

describe('the oversight figures (issue 14 point 6)', () => {
  const f = oversightFigures(FIXTURE);

  it('counts personas by status, and by platform however the website was typed', () => {
    expect(f.totals).toMatchObject({ personas: 7, requested: 1, refused: 1, active: 3, suspended: 1, retired: 1 });
    expect(f.byPlatform).toEqual([
      { website: 'tiktok', personas: 3, requested: 0, refused: 0, active: 3, suspended: 0, retired: 0 },
      { website: 'instagram', personas: 2, requested: 0, refused: 0, active: 0, suspended: 1, retired: 1 },
      { website: 'x', personas: 2, requested: 1, refused: 1, active: 0, suspended: 0, retired: 0 },
    ]);
  });

  it('counts authorisations and refusals by London calendar year', () => {
    expect(f.authorisationsByYear).toEqual([
      { year: 2025, authorised: 2, refused: 2 },
      { year: 2026, authorised: 2, refused: 0 },
    ]);
  });

  it('lists uses by month in order, and the overdue reviews of active and suspended personas, most overdue first', () => {
    expect(f.usesByMonth).toEqual([
      { month: '2025-12', uses: 2 },
      { month: '2026-01', uses: 7 },
      { month: '2026-11', uses: 4 },
    ]);
    expect(f.overdueReviews).toEqual([
      { id: 'p3', website: 'instagram', reviewDueOn: '2026-11-05', daysOverdue: 30 },
      { id: 'p2', website: 'tiktok', reviewDueOn: '2026-12-04', daysOverdue: 1 },
    ]);
    expect(f.asOf).toBe('2026-12-05');
  });

  it('adds up: platforms to statuses to personas, months to uses, overdue list to its total', () => {
    const statusSum = PERSONA_STATUSES.reduce((s, st) => s + f.totals[st], 0);
    expect(statusSum).toBe(f.totals.personas);
    expect(f.byPlatform.reduce((s, p) => s + p.personas, 0)).toBe(f.totals.personas);
    for (const st of PERSONA_STATUSES) expect(f.byPlatform.reduce((s, p) => s + p[st], 0)).toBe(f.totals[st]);
    for (const p of f.byPlatform) expect(PERSONA_STATUSES.reduce((s, st) => s + p[st], 0)).toBe(p.personas);
    expect(f.totals.uses).toBe(13);
    expect(f.usesByMonth.reduce((s, m) => s + m.uses, 0)).toBe(f.totals.uses);
    expect(f.overdueReviews).toHaveLength(f.totals.overdueReviews);
    const decided = f.authorisationsByYear.reduce((s, y) => s + y.authorised + y.refused, 0);
    expect(decided).toBe(FIXTURE.decisions.length);
  });

  it('answers zeros, not gaps, for an empty register', () => {
    const empty = oversightFigures({ now: FIXTURE.now, personas: [], decisions: [], usesByMonth: [] });
    expect(empty.totals).toEqual({
      personas: 0,
      requested: 0,
      refused: 0,
      active: 0,
      suspended: 0,
      retired: 0,
      uses: 0,
      overdueReviews: 0,
    });
    expect([empty.byPlatform, empty.authorisationsByYear, empty.usesByMonth, empty.overdueReviews]).toEqual([[], [], [], []]);
  });

  it('gives the CSV records every figure and no persona id', () => {
    const records = oversightRecords(f);
    expect(records.slice(0, 8)).toEqual([
      ['totals', 'all', 'personas', 7],
      ['totals', 'all', 'requested', 1],
      ['totals', 'all', 'refused', 1],
      ['totals', 'all', 'active', 3],
      ['totals', 'all', 'suspended', 1],
      ['totals', 'all', 'retired', 1],
      ['totals', 'all', 'uses', 13],
      ['totals', 'all', 'overdueReviews', 2],
    ]);
    expect(records).toContainEqual(['authorisations', '2025', 'refused', 2]);
    expect(records).toContainEqual(['platform', 'instagram', 'suspended', 1]);
    expect(records).toContainEqual(['uses', '2026-01', 'uses', 7]);
    expect(records.filter((r) => r[0] === 'platform' && r[2] === 'personas').reduce((s, r) => s + r[3], 0)).toBe(7);
    expect(JSON.stringify(records)).not.toMatch(/"p\d"/);
  });
});
