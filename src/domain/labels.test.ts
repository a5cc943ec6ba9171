import { describe, expect, it } from 'vitest';
import { bytesText, durationText, EVENT_LABELS, eventLabel, outcomeLabel, statusInSentence, statusLabel } from './labels.js';
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

describe('sizes and durations as people read them (issue 12)', () => {
  it('writes bytes in binary units with one decimal', () => {
    expect(bytesText(0)).toBe('0 bytes');
    expect(bytesText(1)).toBe('1 byte');
    expect(bytesText(1023)).toBe('1023 bytes');
    expect(bytesText(1024)).toBe('1.0 KB');
    expect(bytesText(3.4 * 1024 * 1024)).toBe('3.4 MB');
    expect(bytesText(2 * 1024 ** 3)).toBe('2.0 GB');
    expect(bytesText(5 * 1024 ** 5)).toBe('5120.0 TB');
  });
  it('writes durations as a player does', () => {
    expect(durationText(0)).toBe('0:00');
    expect(durationText(7.4)).toBe('0:07');
    expect(durationText(205)).toBe('3:25');
    expect(durationText(3723)).toBe('1:02:03');
  });
});
