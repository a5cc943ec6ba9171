import { describe, expect, it } from 'vitest';
import { normaliseReference } from './referral-reference.js';

describe('normaliseReference: a reference as people type it (issue 10: the queue finds a referral by its reference)', () => {
  it.each([
    ['OHRT-2026-000123', 'OHRT-2026-000123'],
    ['ohrt-2026-000123', 'OHRT-2026-000123'],
    ['  Ohrt-2026-123 ', 'OHRT-2026-000123'],
    ['OHRT 2026 123', 'OHRT-2026-000123'],
    ['OHRT2026000123', 'OHRT-2026-000123'],
    ['OHRT–2026–0000123', 'OHRT-2026-000123'],
    ['ohrt-2026-1234567', 'OHRT-2026-1234567'],
    ['MPS-2027-7', 'MPS-2027-000007'],
  ])('%j → %s', (typed, stored) => {
    expect(normaliseReference(typed)).toBe(stored);
  });

  it.each(['', 'drill video', '2026-000123', 'OHRT-26-000123', 'OHRT-2026-', 'OHRT-2026-12a', "OHRT-2026-1' or 1=1", 'O-2026-1'])(
    'is not a reference: %j',
    (typed) => {
      expect(normaliseReference(typed)).toBeNull();
    },
  );
});
