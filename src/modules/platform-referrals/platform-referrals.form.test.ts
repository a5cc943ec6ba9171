import { describe, expect, it } from 'vitest';
import { pageErrors } from '../../views/forms.js';
import {
  appealFormToBody,
  decisionFormToBody,
  readAppealForm,
  readDecisionForm,
  readSubmissionForm,
  STEP_ERRORS,
  submissionFormToBody,
} from './platform-referrals.form.js';

describe('the submission form (SOP 10.5)', () => {
  const posted = {
    channel: 'mailbox',
    'submittedAt-day': '1',
    'submittedAt-month': '7',
    'submittedAt-year': '2025',
    submittedTime: '14:30',
    externalReference: 'R-1',
  };

  it('sends one UTC instant from a London date and time', () =>
    expect(submissionFormToBody(readSubmissionForm(posted))).toEqual({
      body: { channel: 'mailbox', submittedAt: '2025-07-01T13:30:00.000Z', externalReference: 'R-1' },
      errors: [],
    }));

  it('says what the date and time inputs lack, and still sends the rest for the schema to check', () => {
    const { body, errors } = submissionFormToBody(
      readSubmissionForm({ ...posted, 'submittedAt-day': '', 'submittedAt-month': '', 'submittedAt-year': '', submittedTime: '25:00' }),
    );
    expect(body).toEqual({ channel: 'mailbox', submittedAt: new Date(0).toISOString(), externalReference: 'R-1' });
    expect(errors).toEqual([
      { path: 'submittedAt', message: 'Enter the date the referral was sent', href: '#submittedAt-day' },
      { path: 'submittedTime', message: 'Enter the time the referral was sent, for example 14:30' },
    ]);
  });

  it('orders the summary as the page, with the schema’s date error linked to the day box', () =>
    expect(
      pageErrors(
        [
          { path: 'externalReference', message: 'e' },
          { path: 'submittedAt', message: 'd' },
          { path: 'channel', message: 'c' },
        ],
        STEP_ERRORS.submission,
      ),
    ).toEqual([
      { path: 'channel', message: 'c' },
      { path: 'submittedAt', message: 'd', href: '#submittedAt-day' },
      { path: 'externalReference', message: 'e' },
    ]));
});

describe('the decision form (SOP 10.6)', () => {
  it('sends the date, or a placeholder when the date input has said what is wrong', () => {
    const ok = decisionFormToBody(
      readDecisionForm({ outcome: 'removed', 'decidedOn-day': '2', 'decidedOn-month': '7', 'decidedOn-year': '2025' }),
    );
    expect(ok).toEqual({ body: { outcome: 'removed', decidedOn: '2025-07-02' }, errors: [] });
    const bad = decisionFormToBody(readDecisionForm({ 'decidedOn-day': '2', 'decidedOn-month': '', 'decidedOn-year': '2025' }));
    expect(bad.body).toEqual({ outcome: undefined, decidedOn: '2000-01-01' });
    expect(bad.errors.map((e) => e.href)).toEqual(['#decidedOn-month']);
    expect(decisionFormToBody(readDecisionForm({})).body.decidedOn).toBe('');
  });
});

describe('the appeal form (SOP 10.7)', () => {
  it('sends yes and no as a boolean, and nothing chosen as missing', () => {
    expect(appealFormToBody(readAppealForm({ appeal: 'yes', reason: 'r' })).body).toEqual({ appeal: true, reason: 'r' });
    expect(appealFormToBody(readAppealForm({ appeal: 'no' })).body.appeal).toBe(false);
    expect(appealFormToBody(readAppealForm({})).body.appeal).toBeUndefined();
  });
});
