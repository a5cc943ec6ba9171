import { describe, expect, it } from 'vitest';
import { breachDetails, fillTemplate, unfilledPlaceholders } from './referral-draft.js';

const TEMPLATE = `Content: {{contentTitle}}
URL: {{ contentUrl }}
Platform: {{platformName}}
Terms:
{{termsBreached}}
Why: {{rationale}}
Ref: {{unknownThing}}`;

describe('fillTemplate (SOP 10.1: a draft from the platform template)', () => {
  it('fills every known placeholder, the terms one per line, tolerating spaces inside the braces', () => {
    const draft = fillTemplate(TEMPLATE, {
      contentTitle: 'Drill video',
      contentUrl: 'https://youtu.be/x',
      platformName: 'YouTube',
      termsBreached: ['Firearms', 'Violent criminal organisations'],
      rationale: 'Goads a rival group.',
    });
    expect(draft).toBe(`Content: Drill video
URL: https://youtu.be/x
Platform: YouTube
Terms:
Firearms
Violent criminal organisations
Why: Goads a rival group.
Ref: {{unknownThing}}`);
  });

  it('leaves placeholders without a value, so the review can fill them later', () => {
    const draft = fillTemplate(TEMPLATE, { contentTitle: 'T', termsBreached: [] });
    expect(draft).toContain('Content: T');
    expect(unfilledPlaceholders(draft)).toEqual(['contentUrl', 'platformName', 'termsBreached', 'rationale']);
  });

  it('inserts values literally, even ones that look like replacement patterns or placeholders', () => {
    expect(fillTemplate('{{rationale}}/{{contentTitle}}', { rationale: "$& $1 $'", contentTitle: '{{rationale}}' })).toBe(
      "$& $1 $'/{{rationale}}",
    );
  });
});

describe('breachDetails (SOP 10.4.6)', () => {
  it('writes one line per platform with the clause titles', () => {
    expect(
      breachDetails([
        { platformName: 'YouTube', clauseTitles: ['Firearms', 'Hate speech'] },
        { platformName: 'Instagram', clauseTitles: ['Bullying and harassment'] },
      ]),
    ).toBe('YouTube: Firearms; Hate speech\nInstagram: Bullying and harassment');
  });
});
