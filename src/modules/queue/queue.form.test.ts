import { describe, expect, it } from 'vitest';
import { formErrors, pageErrors } from '../../views/forms.js';
import { readSelfTaskForm, SELF_TASK_ERRORS, selfTaskFormToBody } from './queue.form.js';

describe('the self-tasked referral form (SOP 8.5)', () => {
  const posted = {
    contentTitle: 'T',
    contentUrl: 'https://example.com/v',
    platforms: ['youtube', 'tiktok'],
    rationale: 'R',
    selfTaskedReason: 'Seen on patrol',
    'contentUploadedOn-day': '9',
    'contentUploadedOn-month': '10',
    'contentUploadedOn-year': '2025',
  };

  it('becomes the API body with the date as YYYY-MM-DD', () =>
    expect(selfTaskFormToBody(readSelfTaskForm(posted))).toEqual({
      body: {
        contentTitle: 'T',
        contentUrl: 'https://example.com/v',
        platforms: ['youtube', 'tiktok'],
        rationale: 'R',
        selfTaskedReason: 'Seen on patrol',
        contentUploadedOn: '2025-10-09',
      },
      errors: [],
    }));

  it('shows the date input’s own error rather than the schema’s, and a platform’s error at the group', () => {
    const { errors } = selfTaskFormToBody(readSelfTaskForm({ ...posted, 'contentUploadedOn-year': '' }));
    const schema = [
      { path: 'platforms[1]', message: 'Not in the directory' },
      { path: 'contentUploadedOn', message: 'Enter the date' },
    ];
    expect(formErrors(pageErrors([...errors, ...schema], SELF_TASK_ERRORS)).errorList).toEqual([
      { text: 'The date the content was uploaded must include a year', href: '#contentUploadedOn-year' },
      { text: 'Not in the directory', href: '#platforms' },
    ]);
  });
});
