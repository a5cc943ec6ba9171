/**
 * The retention sweep's rules (SOP 10.8, 2.2; DESIGN.md "Domain library", "Data protection and
 * fairness"; issue 13 point 3). Pure: dates and rows in, decisions and certificates out, no clock.
 * A certificate says what went, when, under which rule and the hashes of its bytes, and nothing of
 * the content: no title, address, rationale or summary.
 */

import { londonToday } from './dates.js';
import { addCalendarMonths } from './library-retention.js';

/** What the sweep needs of a library entry to decide (none of its content). */
export type RetainedEntry = {
  id: string;
  reference: string;
  removedOn: string;
  expiresOn: string;
  held: boolean;
};

/** SOP 2.2, 10.8: an entry goes the day after it expires, unless held for an investigation (CPIA 1996). */
export const isDue = (entry: Pick<RetainedEntry, 'expiresOn' | 'held'>, today: string) => !entry.held && entry.expiresOn < today;

/** The rule a deletion cites: the period, from when, and the day it ended. */
export const libraryRule = (entry: Pick<RetainedEntry, 'removedOn' | 'expiresOn'>) =>
  `SOP 10.8, 2.2: removed musical content kept 12 months from removal on ${entry.removedOn}, expired ${entry.expiresOn}`;

/** SOP 2.2, DPA 2018 s.39: how long a closed referral is kept after its closure. */
const REFERRAL_RETENTION_MONTHS = 12;

/** What the sweep needs of a closed referral to decide (none of its content). */
export type RetainedReferral = { id: string; reference: string; closedAt: Date; held: boolean };

/**
 * SOP 2.2, DPA 2018 s.39 (issue 15 point 1): a closed referral expires 12 calendar months after
 * the London date of its closure (the library's rule shape: `isDue` then deletes it the day after).
 */
export const referralExpiresOn = (closedAt: Date) => addCalendarMonths(londonToday(closedAt), REFERRAL_RETENTION_MONTHS);

/** SOP 2.2: a closed referral goes the day after its 12 months end, unless held for an investigation (CPIA 1996). */
export const isReferralDue = (referral: Pick<RetainedReferral, 'closedAt' | 'held'>, today: string) =>
  isDue({ held: referral.held, expiresOn: referralExpiresOn(referral.closedAt) }, today);

/** The rule a referral's deletion cites: the period, from when, and the day it ended. */
export const referralRule = (referral: Pick<RetainedReferral, 'closedAt'>) =>
  `SOP 2.2, DPA 2018 s.39: closed referral kept 12 months from closure on ${londonToday(referral.closedAt)}, expired ${referralExpiresOn(referral.closedAt)}`;

/** The audit purpose of a deletion by the sweep. */
export const ERASE_PURPOSE = 'SOP 10.8, 2.2: retention period ended (the retention sweep)';
/** The audit purpose of a closed referral's deletion by the sweep. */
export const REFERRAL_ERASE_PURPOSE = 'SOP 2.2, DPA 2018 s.39: retention period ended (the retention sweep)';

/** A deletion certificate's content (DESIGN.md "Domain library"): the hashes sorted, each once. */
type RetainedEntity = 'library_entry' | 'referral';

export type Certificate = {
  entity: RetainedEntity;
  entityId: string;
  reference: string;
  rule: string;
  sha256s: string[];
  deletedAt: Date;
};

export function libraryCertificate(entry: RetainedEntry, sha256s: readonly string[], deletedAt: Date): Certificate {
  return {
    entity: 'library_entry',
    entityId: entry.id,
    reference: entry.reference,
    rule: libraryRule(entry),
    sha256s: [...new Set(sha256s)].sort(),
    deletedAt,
  };
}

/** A closed referral's certificate: the hashes of every object it held (captures, evidence packages), sorted, each once. */
export function referralCertificate(referral: RetainedReferral, sha256s: readonly string[], deletedAt: Date): Certificate {
  return {
    entity: 'referral',
    entityId: referral.id,
    reference: referral.reference,
    rule: referralRule(referral),
    sha256s: [...new Set(sha256s)].sort(),
    deletedAt,
  };
}

/** What the sweep did with one record: deleted, due (a dry run), taken by another sweep or no longer due, failed. */
type SweepOutcome = 'deleted' | 'due' | 'skipped' | 'failed';

/** One line of the sweep's answer and of the CLI (reference, what happened, the rule): no content. */
export type SweepItem = { reference: string; entity: RetainedEntity; rule: string; deleted: boolean; outcome: SweepOutcome };

const SAID: Record<SweepOutcome, string> = {
  deleted: 'deleted',
  due: 'due (dry run: not deleted)',
  skipped: 'skipped (already deleted by another sweep, or held or no longer due)',
  failed: 'FAILED (left whole; the next sweep tries again)',
};

/** The CLI's line for one record. */
export const sweepLine = (item: SweepItem) => `${item.reference}  ${SAID[item.outcome]}  ${item.rule}`;

/** The CLI's last line: how many, and that a dry run changed nothing. */
export function sweepTotal(items: readonly SweepItem[], dryRun: boolean): string {
  if (dryRun) return `Dry run: ${items.length} record(s) due for deletion; nothing was changed.`;
  const count = (o: SweepOutcome) => items.filter((i) => i.outcome === o).length;
  return `${count('deleted')} record(s) deleted, ${count('skipped')} skipped, ${count('failed')} failed.`;
}
