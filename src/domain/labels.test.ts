import { describe, expect, it } from 'vitest';
import { EVENT_LABELS, eventLabel, outcomeLabel, statusInSentence, statusLabel } from './labels.js';
import { decide } from './lifecycle.js';
import { REFERRAL_STATUSES } from './vocabulary.js';

describe('labels: one wording per code (issue 10: "Awaiting QA" was written three ways)', () => {
  it('spells each status once, the same in a tag and in a sentence', () => {
    expect(REFERRAL_STATUSES.map(statusLabel)).toEqual(['Submitted', 'In review', 'Awaiting QA', 'Referred', 'Closed']);
    expect(REFERRAL_STATUSES.map(statusInSentence)).toEqual(['submitted', 'in review', 'awaiting QA', 'referred', 'closed']);
    const refusal = decide(
      { status: 'awaiting_qa', outcome: null, requesterId: 'r', assigneeId: 'o', draftAuthorId: 'o', platformReferrals: [] },
      { kind: 'withdraw' },
      { id: 'r', roles: ['requester'] },
    );
    expect(refusal).toMatchObject({ ok: false, refusal: { message: 'A referral that is awaiting QA cannot be withdrawn' } });
  });

  it('names the QA steps in plain English', () => {
    expect(['reviewed_refer', 'qa_returned', 'qa_approved'].map(eventLabel)).toEqual(['Sent to QA', 'Returned by QA', 'Approved']);
    expect(outcomeLabel('no_further_action')).toBe('No further action');
  });

  it('shows an event nobody has labelled yet as its code made readable, never blank', () => {
    expect(EVENT_LABELS).not.toHaveProperty('hold_placed');
    expect(eventLabel('hold_placed')).toBe('Hold placed');
    expect(eventLabel('constructor')).toBe('Constructor');
    expect(eventLabel(null)).toBe('');
  });
});
