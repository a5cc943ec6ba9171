import { checkForm, dateParts, field, govukDate, pageErrors, partsOf, type DateParts, type PageError } from '../../views/forms.js';
import type { holdSchemas, HoldInput, HoldReviewInput } from '../library/library.schemas.js';

/**
 * The hold forms' fields and checks (CPIA 1996; SOP 10.8, 2.2; decision 022), one for a library
 * entry's page and a closed referral's hold page: the hold, the review that keeps it (field names
 * apart from the hold form's, shown on the same page), and the release's reason.
 */
export type HoldForm = { investigationReference: string; reason: string; reviewOn: DateParts };
export type KeepForm = { reason: string; reviewOn: DateParts };
export type HoldForms = { hold?: HoldForm; keep?: KeepForm; releaseReason?: string; errors?: PageError[] };
type Schemas = ReturnType<typeof holdSchemas>;

/** The forms' blank values, or those sent back after an error. */
export const holdFormValues = (forms: HoldForms) => ({
  hold: forms.hold ?? { investigationReference: '', reason: '', reviewOn: partsOf(undefined) },
  keep: forms.keep ?? { reason: '', reviewOn: partsOf(undefined) },
  releaseReason: forms.releaseReason ?? '',
});

export const HOLD_ORDER = { order: ['investigationReference', 'reason', 'reviewOn'], dates: ['reviewOn'] };
export const KEEP_MAP = {
  paths: [
    ['reason', 'keepReason'],
    ['reviewOn', 'keepReviewOn'],
  ] as const,
  order: ['keepReason', 'keepReviewOn'],
  dates: ['keepReviewOn'],
};
export const RELEASE_MAP = { paths: [['reason', 'releaseReason']] as const };

/** The hold form read and checked: its values, and the input or the page's errors. */
export function readHoldForm(body: unknown, schemas: Schemas): { hold: HoldForm; data?: HoldInput; errors: PageError[] } {
  const hold: HoldForm = {
    investigationReference: field(body, 'investigationReference'),
    reason: field(body, 'reason'),
    reviewOn: dateParts(body, 'reviewOn'),
  };
  const date = govukDate('reviewOn', hold.reviewOn, 'The review date');
  const parsed = checkForm(schemas.hold, { ...hold, reviewOn: date.value ?? '' });
  const errs = [...(date.error ? [date.error] : []), ...(parsed.errors ?? []).filter((e) => !(date.error && e.path === 'reviewOn'))];
  return { hold, data: errs.length ? undefined : parsed.data, errors: pageErrors(errs, HOLD_ORDER) };
}

/** The "keep the hold" form read and checked. */
export function readKeepForm(body: unknown, schemas: Schemas): { keep: KeepForm; data?: HoldReviewInput; errors: PageError[] } {
  const keep: KeepForm = { reason: field(body, 'keepReason'), reviewOn: dateParts(body, 'keepReviewOn') };
  const date = govukDate('keepReviewOn', keep.reviewOn, 'The next review date');
  const parsed = checkForm(schemas.review, { reason: keep.reason, reviewOn: date.value ?? '' });
  const errs = [...(date.error ? [date.error] : []), ...(parsed.errors ?? []).filter((e) => !(date.error && e.path === 'reviewOn'))];
  return { keep, data: errs.length ? undefined : parsed.data, errors: pageErrors(errs, KEEP_MAP) };
}
