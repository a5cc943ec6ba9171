/**
 * What people read for the system's codes: a referral's status and outcome, and each timeline
 * event, in plain English, spelled the same on every page (issue 10: "Awaiting QA" was written
 * three ways). Pages use them through the `statusLabel`, `outcomeLabel` and `eventLabel` view
 * filters (plugins/views.ts); nothing else should turn a code into words.
 *
 * To add an event (e.g. a safeguarding answer), add its action and label to EVENT_LABELS: an
 * action without one still shows, as its code made readable, so a forgotten label is visible but
 * never breaks a page.
 */
import type { EventAction, ReferralOutcome, ReferralStatus } from './vocabulary.js';

export const STATUS_LABELS: Record<ReferralStatus, string> = {
  submitted: 'Submitted',
  in_review: 'In review',
  awaiting_qa: 'Awaiting QA',
  referred: 'Referred',
  closed: 'Closed',
};

/** A status inside a sentence ("A referral that is awaiting QA cannot be withdrawn"). */
export const statusInSentence = (status: ReferralStatus) =>
  status === 'awaiting_qa' ? 'awaiting QA' : STATUS_LABELS[status].toLowerCase();

const OUTCOME_LABELS: Record<ReferralOutcome, string> = {
  no_further_action: 'No further action',
  withdrawn: 'Withdrawn',
  removed: 'Removed',
  not_removed: 'Not removed',
  partially_removed: 'Partially removed',
};

/**
 * Intake's events (referrals.service.ts), a safeguarding answer's at intake or review
 * (safeguarding.repository.ts), and the life cycle's (domain/vocabulary.ts `EventAction`).
 */
type IntakeEvent = 'submitted' | 'self_tasked' | 'rationale_added' | 'safeguarding_recorded';

export const EVENT_LABELS: Record<IntakeEvent | EventAction, string> & Record<string, string> = {
  submitted: 'Submitted',
  self_tasked: 'Opened by the unit (self-tasked)',
  rationale_added: 'Another requester added their rationale',
  // DESIGN.md "Safeguarding": the entry's comment says whose answer it is and what it says.
  safeguarding_recorded: 'Safeguarding answer recorded',
  claimed: 'Claimed',
  assigned: 'Assigned',
  withdrawn: 'Withdrawn by the requester',
  reviewed_no_further_action: 'Reviewed: no further action',
  reviewed_refer: 'Sent to QA',
  qa_approved: 'Approved',
  qa_returned: 'Returned by QA',
  platform_submitted: 'Sent to the platform',
  platform_removed: 'Removed by the platform',
  platform_not_removed: 'Not removed by the platform',
  platform_upheld: 'Platform upheld its decision',
  appeal_made: 'Appealed',
  appeal_not_made: 'Not appealed',
};

/** A code made readable, for a value no map knows yet ("some_new_thing" → "Some new thing"). */
export const readable = (code: string) => code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

const labelFrom = (labels: Record<string, string>) => (code: string | null | undefined) =>
  code ? (Object.hasOwn(labels, code) ? labels[code]! : readable(code)) : '';

export const statusLabel = labelFrom(STATUS_LABELS);
export const outcomeLabel = labelFrom(OUTCOME_LABELS);
export const eventLabel = labelFrom(EVENT_LABELS);

/** A size as people read it, in binary units as file managers show them: "512 bytes", "3.4 MB", "2.0 GB". */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration as a player shows it: "0:07", "3:25", "1:02:03". */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}
