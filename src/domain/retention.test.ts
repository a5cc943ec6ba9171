import { describe, expect, it } from 'vitest';
import {
  isDue,
  isReferralDue,
  libraryCertificate,
  referralCertificate,
  referralExpiresOn,
  referralRule,
  sweepLine,
  sweepTotal,
} from './retention.js';

/** The retention sweep's pure rules (SOP 10.8, 2.2; decision 017). */
const ENTRY = { id: 'e1', reference: 'OHRT-2026-000412', removedOn: '2025-02-28', expiresOn: '2026-02-28', held: false };

describe('retention rules (SOP 10.8, 2.2)', () => {
  it('is due the day after expiry, never while held', () => {
    expect(isDue(ENTRY, '2026-02-28')).toBe(false);
    expect(isDue(ENTRY, '2026-03-01')).toBe(true);
    expect(isDue({ ...ENTRY, held: true }, '2030-01-01')).toBe(false);
  });

  it('certifies the reference, the rule and each hash once, sorted; nothing else', () => {
    const at = new Date('2026-03-01T03:15:00Z');
    expect(libraryCertificate(ENTRY, ['b'.repeat(64), 'a'.repeat(64), 'b'.repeat(64)], at)).toEqual({
      entity: 'library_entry',
      entityId: 'e1',
      reference: 'OHRT-2026-000412',
      rule: 'SOP 10.8, 2.2: removed musical content kept 12 months from removal on 2025-02-28, expired 2026-02-28',
      sha256s: ['a'.repeat(64), 'b'.repeat(64)],
      deletedAt: at,
    });
  });

  it('says what happened to each record and in total', () => {
    const item = { reference: 'OHRT-2026-000412', entity: 'library_entry' as const, rule: 'R', deleted: false };
    expect(sweepLine({ ...item, outcome: 'failed' })).toBe('OHRT-2026-000412  FAILED (left whole; the next sweep tries again)  R');
    const items = [
      { ...item, deleted: true, outcome: 'deleted' as const },
      { ...item, outcome: 'skipped' as const },
      { ...item, outcome: 'failed' as const },
    ];
    expect(sweepTotal(items, false)).toBe('1 record(s) deleted, 1 skipped, 1 failed.');
    expect(sweepTotal([], true)).toBe('Dry run: 0 record(s) due for deletion; nothing was changed.');
  });
});

describe('a closed referral’s retention (SOP 2.2, DPA 2018 s.39; issue 15 point 1)', () => {
  const closed = (at: string, held = false) => ({ id: 'r1', reference: 'OHRT-2025-000077', closedAt: new Date(at), held });

  it('expires 12 calendar months after the London date of closure', () => {
    expect(referralExpiresOn(new Date('2025-03-09T23:59:00Z'))).toBe('2026-03-09'); // GMT: still 9 March
    expect(referralExpiresOn(new Date('2025-09-30T23:30:00Z'))).toBe('2026-10-01'); // BST: already 1 October
    expect(referralExpiresOn(new Date('2024-02-29T12:00:00Z'))).toBe('2025-02-28'); // no 29 February: its month's last day
  });

  it('is due the day after it expires, never while held', () => {
    expect(isReferralDue(closed('2025-03-10T10:00:00Z'), '2026-03-10')).toBe(false);
    expect(isReferralDue(closed('2025-03-10T10:00:00Z'), '2026-03-11')).toBe(true);
    expect(isReferralDue(closed('2025-03-10T10:00:00Z', true), '2030-01-01')).toBe(false);
  });

  it('certifies the rule with its dates and the hashes sorted, once each, and nothing of the content', () => {
    const r = closed('2025-02-10T12:00:00Z');
    expect(referralRule(r)).toBe('SOP 2.2, DPA 2018 s.39: closed referral kept 12 months from closure on 2025-02-10, expired 2026-02-10');
    const at = new Date('2026-03-10T03:15:00Z');
    expect(referralCertificate(r, ['b'.repeat(64), 'a'.repeat(64), 'b'.repeat(64)], at)).toEqual({
      entity: 'referral',
      entityId: 'r1',
      reference: 'OHRT-2025-000077',
      rule: referralRule(r),
      sha256s: ['a'.repeat(64), 'b'.repeat(64)],
      deletedAt: at,
    });
  });
});
