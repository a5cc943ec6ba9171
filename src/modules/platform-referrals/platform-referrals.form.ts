import { londonTimeToUtc } from '../../domain/dates.js';
import type { PlatformActionKind } from '../../domain/lifecycle.js';
import { dateParts, field, govukDate, type ErrorMap, type PageError } from '../../views/forms.js';
import { timeOfDay } from './platform-referrals.schemas.js';

/** The forms of a platform referral's steps (SOP 10.5-10.7), as typed, and the API bodies they become. */

export const readSubmissionForm = (b: unknown) => ({
  channel: field(b, 'channel'),
  submittedAt: dateParts(b, 'submittedAt'),
  submittedTime: field(b, 'submittedTime'),
  externalReference: field(b, 'externalReference'),
});
type SubmissionForm = ReturnType<typeof readSubmissionForm>;

/**
 * The submission as the API body: the date and the time are two inputs in London time, one UTC
 * instant for the API. What the two inputs lack is said here; the schema says the rest.
 */
export function submissionFormToBody(form: SubmissionForm) {
  const errors: PageError[] = [];
  const date = govukDate('submittedAt', form.submittedAt, 'The date the referral was sent');
  if (date.error) errors.push(date.error);
  else if (!date.value) errors.push({ path: 'submittedAt', message: 'Enter the date the referral was sent', href: '#submittedAt-day' });
  const time = timeOfDay(form.submittedTime);
  if (!time) errors.push({ path: 'submittedTime', message: 'Enter the time the referral was sent, for example 14:30' });
  const submittedAt = date.value && time ? londonTimeToUtc(date.value, time) : null;
  // A placeholder instant when the inputs are wrong, so the schema still checks the other fields.
  const body = { channel: form.channel, submittedAt: submittedAt ?? new Date(0).toISOString(), externalReference: form.externalReference };
  return { body, errors };
}

export const readDecisionForm = (b: unknown) => ({ outcome: field(b, 'outcome'), decidedOn: dateParts(b, 'decidedOn') });
type DecisionForm = ReturnType<typeof readDecisionForm>;

export function decisionFormToBody(form: DecisionForm) {
  const date = govukDate('decidedOn', form.decidedOn, 'The date of the decision');
  // A wrong date is said once, by the date input: the schema gets a valid placeholder.
  const body = { outcome: form.outcome || undefined, decidedOn: date.value ?? (date.error ? '2000-01-01' : '') };
  return { body, errors: date.error ? [date.error] : [] };
}

export const readAppealForm = (b: unknown) => ({ appeal: field(b, 'appeal'), reason: field(b, 'reason') });
type AppealForm = ReturnType<typeof readAppealForm>;

export const appealFormToBody = (form: AppealForm) => ({
  body: { appeal: form.appeal === 'yes' ? true : form.appeal === 'no' ? false : undefined, reason: form.reason },
  errors: [] as PageError[],
});

/** Each step's fields in page order; a date's error links to its day box. */
export const STEP_ERRORS = {
  submission: { dates: ['submittedAt'], order: ['channel', 'submittedAt', 'submittedTime', 'externalReference'] },
  decision: { dates: ['decidedOn'], order: ['outcome', 'decidedOn'] },
  appeal: { order: ['appeal', 'reason'] },
} satisfies Record<PlatformActionKind, ErrorMap>;
