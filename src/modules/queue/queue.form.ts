import { dateParts, field, fields, govukDate, type ErrorMap } from '../../views/forms.js';

/** The self-tasked referral form (SOP 8.5), every field on one page, as typed. */
export const readSelfTaskForm = (b: unknown) => ({
  contentTitle: field(b, 'contentTitle'),
  contentUrl: field(b, 'contentUrl'),
  platforms: fields(b, 'platforms'),
  rationale: field(b, 'rationale'),
  selfTaskedReason: field(b, 'selfTaskedReason'),
  parts: dateParts(b, 'contentUploadedOn'),
});
type SelfTaskForm = ReturnType<typeof readSelfTaskForm>;

/** The form as the API body; the date input's own error comes first, more precise than the schema's. */
export function selfTaskFormToBody({ parts, ...form }: SelfTaskForm) {
  const date = govukDate('contentUploadedOn', parts, 'The date the content was uploaded');
  return { body: { ...form, contentUploadedOn: date.value ?? '' }, errors: date.error ? [date.error] : [] };
}

/** One checkbox group: an error on any platform is the group's. */
export const SELF_TASK_ERRORS: ErrorMap = { paths: [[/^platforms/, 'platforms']], dates: ['contentUploadedOn'] };
