/**
 * Work-queue rules (issue 3, SOP 8.5-8.6), pure: no I/O, no clock of their own.
 *
 * Overdue: a referral is overdue when nobody has finished looking at it in time, that is when it
 * is still `submitted` (not yet claimed) or `in_review` (claimed, review not recorded) more than
 * SLA_DAYS after it was submitted. Once the review is recorded (awaiting QA, referred, closed) the
 * wait is on the sergeant or the platform, not on the team's first look, so it is not overdue.
 *
 * Days are calendar days counted as 24-hour periods from the moment of submission (not working
 * days): simple to explain, the same in SQL and here, and at most an hour off across a clock change.
 */
import type { ReferralStatus } from './vocabulary.js';

/** Calendar days a referral may wait for its review before it is overdue. */
export const SLA_DAYS = 5;

/** The statuses in which a referral still awaits the team's review, so can be overdue. */
export const OVERDUE_STATUSES = ['submitted', 'in_review'] as const satisfies readonly ReferralStatus[];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant `days` whole days before `now`. */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** Whole days since submission (0 on the day itself, 1 after 24 hours, ...). Never negative. */
export const ageInDays = (submittedAt: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - submittedAt.getTime()) / DAY_MS));

/** Submitted before this instant and still awaiting review: overdue. */
export const overdueCutoff = (now: Date) => daysBefore(now, SLA_DAYS);

export function isOverdue(r: { status: ReferralStatus; submittedAt: Date }, now: Date): boolean {
  return (OVERDUE_STATUSES as readonly ReferralStatus[]).includes(r.status) && r.submittedAt.getTime() < overdueCutoff(now).getTime();
}
