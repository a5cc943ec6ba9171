import { describe, expect, it } from 'vitest';
import {
  investigationKey,
  isReviewOverdue,
  mayAssign,
  mayAuthorise,
  mayRequest,
  mayReveal,
  mayReview,
  mayUse,
  mayWithdraw,
  nextReviewOn,
  nextStatus,
  repeatedViewingKeys,
  repeatedViewingPrompted,
  repeatedViewingSince,
  reviewOutcome,
  subjectKey,
  type PersonaAction,
} from './personas.js';
import { PERSONA_STATUSES, ROLES, type PersonaStatus, type Role } from './vocabulary.js';

const who = (id: string, ...roles: Role[]) => ({ id, roles });
const ACTIONS: PersonaAction[] = ['authorise', 'refuse', 'withdraw', 'suspend', 'reinstate', 'retire'];

describe('the persona state machine (DESIGN.md "Persona register")', () => {
  it('allows exactly requested → active | refused | retired (withdrawn), active → suspended | retired, suspended → active | retired', () => {
    const allowed = Object.fromEntries(
      PERSONA_STATUSES.map((from) => [
        from,
        Object.fromEntries(
          ACTIONS.flatMap((a) => {
            const n = nextStatus(from, a);
            return n.ok ? [[a, n.status]] : [];
          }),
        ),
      ]),
    );
    expect(allowed).toEqual({
      requested: { authorise: 'active', refuse: 'refused', withdraw: 'retired' },
      active: { suspend: 'suspended', retire: 'retired' },
      suspended: { reinstate: 'active', retire: 'retired' },
      refused: {},
      retired: {},
    });
  });

  it('explains a refusal by the current status', () => {
    expect(nextStatus('active', 'authorise')).toEqual({ ok: false, reason: 'This persona is active: it cannot be authorised' });
    expect(nextStatus('retired', 'retire')).toMatchObject({ ok: false, reason: expect.stringContaining('retired') });
  });

  it('maps review decisions: continue keeps active and reinstates suspended; suspend; retire; nothing else is reviewed', () => {
    expect(reviewOutcome('active', 'continue')).toEqual({ ok: true, status: 'active' });
    expect(reviewOutcome('suspended', 'continue')).toEqual({ ok: true, status: 'active' });
    expect(reviewOutcome('active', 'suspend')).toEqual({ ok: true, status: 'suspended' });
    expect(reviewOutcome('suspended', 'suspend')).toEqual({ ok: true, status: 'suspended' });
    expect(reviewOutcome('active', 'retire')).toEqual({ ok: true, status: 'retired' });
    for (const from of ['requested', 'refused', 'retired'] as PersonaStatus[])
      for (const d of ['continue', 'suspend', 'retire'] as const) expect(reviewOutcome(from, d).ok, `${from} ${d}`).toBe(false);
  });
});

describe('who may (FOI 003: a DI or equivalent agrees; never the creator)', () => {
  it('lets only operatives and sergeants ask for a persona', () => {
    expect(ROLES.filter((r) => mayRequest(who('u', r)))).toEqual(['operative', 'sergeant']);
  });

  it('lets an authorising officer authorise and review, never the persona’s creator', () => {
    const persona = { creatorId: 'creator' };
    expect(ROLES.filter((r) => mayAuthorise(who('x', r), persona))).toEqual(['authorising_officer']);
    expect(mayAuthorise(who('creator', 'authorising_officer', 'sergeant'), persona)).toBe(false);
    expect(mayReview(who('creator', 'authorising_officer'), persona)).toBe(false);
    expect(mayReview(who('other', 'authorising_officer'), persona)).toBe(true);
  });

  it('lets the creator or any authorising officer withdraw a request, nobody else', () => {
    const persona = { creatorId: 'creator' };
    expect(ROLES.filter((r) => mayWithdraw(who('x', r), persona))).toEqual(['authorising_officer']);
    expect(mayWithdraw(who('creator', 'operative'), persona)).toBe(true);
    expect(mayWithdraw(who('other', 'operative', 'sergeant'), persona)).toBe(false);
    expect(nextStatus('active', 'withdraw')).toEqual({ ok: false, reason: 'This persona is active: it cannot be withdrawn' });
  });

  it('lets sergeants and authorising officers assign', () => {
    expect(ROLES.filter((r) => mayAssign(who('u', r)))).toEqual(['sergeant', 'authorising_officer']);
  });

  it('reveals to an assigned case worker or an authorising officer, only while active or suspended', () => {
    expect(mayReveal(who('u', 'operative'), 'active', true)).toEqual({ ok: true });
    expect(mayReveal(who('u', 'operative'), 'active', false)).toMatchObject({ ok: false, refusal: 'forbidden' });
    expect(mayReveal(who('u', 'inspector'), 'active', true)).toMatchObject({ ok: false, refusal: 'forbidden' });
    expect(mayReveal(who('u', 'authorising_officer'), 'suspended', false)).toEqual({ ok: true });
    for (const s of ['requested', 'refused', 'retired'] as PersonaStatus[])
      expect(mayReveal(who('u', 'sergeant'), s, true)).toMatchObject({ ok: false, refusal: 'status' });
  });
});

describe('reviews and use (FOI 003: periodic review; the use log first)', () => {
  it('puts the next review reviewMonths calendar months on, clamped to the month’s end', () => {
    expect(nextReviewOn('2026-03-10', 3)).toBe('2026-06-10');
    expect(nextReviewOn('2025-11-30', 3)).toBe('2026-02-28');
    expect(nextReviewOn('2026-12-31', 1)).toBe('2027-01-31');
  });

  it('is overdue only after the due date (London’s today)', () => {
    expect(isReviewOverdue('2026-06-10', '2026-06-10')).toBe(false);
    expect(isReviewOverdue('2026-06-10', '2026-06-11')).toBe(true);
    expect(isReviewOverdue(null, '2099-01-01')).toBe(false);
  });

  it('allows a use only when active, reviewed in time, and assigned, saying why not', () => {
    const active = { status: 'active' as const, creatorId: 'c', reviewDueOn: '2026-06-10' };
    expect(mayUse(active, true, '2026-06-10')).toEqual({ ok: true });
    expect(mayUse(active, true, '2026-06-11')).toMatchObject({ ok: false, reason: expect.stringContaining('was due on 2026-06-10') });
    expect(mayUse(active, false, '2026-06-01')).toMatchObject({ ok: false, reason: expect.stringContaining('not assigned to you') });
    for (const status of ['requested', 'refused', 'suspended', 'retired'] as PersonaStatus[])
      expect(mayUse({ ...active, status }, true, '2026-06-01')).toMatchObject({
        ok: false,
        reason: expect.stringContaining(status === 'requested' ? 'waiting' : status),
      });
  });

  it('prompts for repeated viewing (RIPA 2000) from `uses` earlier uses within `days` days', () => {
    expect(repeatedViewingPrompted(2, { uses: 3 })).toBe(false);
    expect(repeatedViewingPrompted(3, { uses: 3 })).toBe(true);
    expect(repeatedViewingSince(new Date('2026-03-29T12:00:00Z'), { days: 28 }).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('what the repeated-viewing count compares (issue 14 point 7)', () => {
  it('makes "Name (@handle)", "@handle", a profile address and the bare handle one subject, in any case or look-alike', () => {
    const key = 'handle:jddr1ll';
    for (const s of ['Jayden Doe (@jd_dr1ll)', '@jd_dr1ll', '@JD_DR1LL', 'https://www.instagram.com/jd_dr1ll/', 'jd_dr1ll', ' @јd_dr1ll '])
      expect(subjectKey(s), s).toBe(key);
    expect(subjectKey('https://tiktok.com/@jd_dr1ll?lang=en')).toBe(key);
  });

  it('reads a name as its words, accents and spacing aside; nothing with no letter or digit', () => {
    expect(subjectKey('jayden  DOE')).toBe('name:jayden doe');
    expect(subjectKey('Jáyden Doe')).toBe('name:jayden doe');
    expect(subjectKey('Jayden Doe')).not.toBe(subjectKey('Jayden Does'));
    expect(subjectKey('@@ --')).toBeNull();
  });

  it('keys a use by its referral, investigation (any case, spaces collapsed) and subject', () => {
    expect(repeatedViewingKeys({ referralId: 'r1', investigationReference: '  op   QUARTZ ', subject: '@Smoke_Zone2' })).toEqual([
      'referral:r1',
      'investigation:op quartz',
      'subject:handle:smokezone2',
    ]);
    expect(investigationKey('Op\tQuartz')).toBe('op quartz');
    expect(repeatedViewingKeys({})).toEqual([]);
  });
});
