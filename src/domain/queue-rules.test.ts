import { describe, expect, it } from 'vitest';
import { ageInDays, isOverdue, overdueCutoff, SLA_DAYS } from './queue-rules.js';

const NOW = new Date('2026-03-10T10:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * 86_400_000 - extraMs);

describe('queue rules: overdue (issue 3, SOP 8.5-8.6)', () => {
  it('uses five calendar days', () => expect(SLA_DAYS).toBe(5));

  it('is overdue only once more than five days have passed since submission', () => {
    expect(isOverdue({ status: 'submitted', submittedAt: ago(5) }, NOW)).toBe(false);
    expect(isOverdue({ status: 'submitted', submittedAt: ago(5, 1) }, NOW)).toBe(true);
    expect(isOverdue({ status: 'submitted', submittedAt: ago(1) }, NOW)).toBe(false);
    expect(overdueCutoff(NOW).toISOString()).toBe('2026-03-05T10:00:00.000Z');
  });

  it('counts a referral still in review as overdue, but not one whose review is recorded', () => {
    expect(isOverdue({ status: 'in_review', submittedAt: ago(9) }, NOW)).toBe(true);
    for (const status of ['awaiting_qa', 'referred', 'closed'] as const)
      expect(isOverdue({ status, submittedAt: ago(30) }, NOW)).toBe(false);
  });

  it('gives the age in whole days, never negative', () => {
    expect(ageInDays(ago(0), NOW)).toBe(0);
    expect(ageInDays(ago(0, 23 * 3_600_000), NOW)).toBe(0);
    expect(ageInDays(ago(1), NOW)).toBe(1);
    expect(ageInDays(ago(12, 5), NOW)).toBe(12);
    expect(ageInDays(new Date(NOW.getTime() + 60_000), NOW)).toBe(0);
  });
});
